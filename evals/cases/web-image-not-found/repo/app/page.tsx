import { Banner } from "../components/Banner";
import { ProductGrid } from "../components/ProductGrid";

export default async function Home() {
  const res = await fetch(`${process.env.CATALOG_API}/v1/products?featured=1`, { next: { revalidate: 60 } });
  const products = await res.json();
  return (
    <main>
      <Banner campaign="spring-sale-2026" />
      <ProductGrid products={products.items} />
    </main>
  );
}
