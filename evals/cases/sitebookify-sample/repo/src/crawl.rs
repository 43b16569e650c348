//! Breadth-first crawl of one site, staying under the start URL.

use std::collections::{HashSet, VecDeque};

use url::Url;

#[derive(Debug, Clone)]
pub struct Page {
    pub url: String,
    pub html: String,
}

pub async fn crawl(start: &str, max_pages: usize) -> anyhow::Result<Vec<Page>> {
    let start = Url::parse(start)?;
    let client = reqwest::Client::new();
    let mut seen = HashSet::new();
    let mut queue = VecDeque::from([start.clone()]);
    let mut pages = Vec::new();
    while let Some(url) = queue.pop_front() {
        if pages.len() >= max_pages || !seen.insert(url.clone()) {
            continue;
        }
        let html = client.get(url.clone()).send().await?.text().await?;
        for link in links(&url, &html) {
            if link.as_str().starts_with(start.as_str()) {
                queue.push_back(link);
            }
        }
        pages.push(Page { url: url.to_string(), html });
    }
    Ok(pages)
}

fn links(base: &Url, html: &str) -> Vec<Url> {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("a[href]").expect("static selector");
    doc.select(&selector)
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|href| base.join(href).ok())
        .collect()
}
