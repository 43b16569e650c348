//! sitebookify: crawl a documentation site and bind its pages into a book.

pub mod app;
pub mod book;
pub mod crawl;
