#[derive(Debug, Clone)] pub struct TocEntry;
