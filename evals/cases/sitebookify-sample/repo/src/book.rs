//! Binds crawled pages into a single EPUB-like archive (simplified).

use crate::crawl::Page;

pub fn bind(pages: &[Page], title: &str) -> anyhow::Result<Vec<u8>> {
    let mut out = format!("<h1>{title}</h1>\n").into_bytes();
    for page in pages {
        out.extend_from_slice(format!("<section data-src=\"{}\">\n", page.url).as_bytes());
        out.extend_from_slice(page.html.as_bytes());
        out.extend_from_slice(b"\n</section>\n");
    }
    Ok(out)
}
