pub mod config;
pub mod diag;
pub mod load;
pub mod markdown;
pub mod model;
pub mod parse;
pub mod time;
