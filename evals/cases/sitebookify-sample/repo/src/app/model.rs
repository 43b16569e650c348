//! Job records as the API and the store see them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub url: String,
    pub title: Option<String>,
    pub state: JobState,
    pub pages: usize,
    pub artifact: Option<String>,
    pub error: Option<String>,
}

impl Job {
    pub fn new(url: String, title: Option<String>) -> Self {
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            url,
            title,
            state: JobState::Queued,
            pages: 0,
            artifact: None,
            error: None,
        }
    }
}
