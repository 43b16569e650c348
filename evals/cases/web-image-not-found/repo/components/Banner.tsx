export function Banner({ campaign }: { campaign: string }) {
  return (
    <section className="banner" data-campaign={campaign}>
      <h2>春の大感謝セール 最大40%OFF</h2>
    </section>
  );
}
