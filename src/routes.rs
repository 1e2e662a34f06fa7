//! Routes: what may name a file in the output folder, and how an output path is made from
//! one. Every stage that turns text into a path (the model's page paths, the writer, the dev
//! server's request paths, the theme's name) asks here, so there is one rule.

use std::path::{Path, PathBuf};

/// A single path component that cannot climb out of a folder.
pub fn is_safe_component(s: &str) -> bool {
    !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '\\', ':', '\0']) && !s.chars().any(char::is_control)
}

/// `root` joined with a `/`-separated output path, if every part of it stays inside `root`.
pub fn safe_join(root: &Path, rel: &str) -> Option<PathBuf> {
    let mut p = root.to_path_buf();
    for part in rel.split('/') {
        if !is_safe_component(part) {
            return None;
        }
        p.push(part);
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape() {
        let root = Path::new("/out");
        assert_eq!(safe_join(root, "a/index.html"), Some(PathBuf::from("/out/a/index.html")));
        for bad in ["../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", "a\\b", "c:x", "a\0b"] {
            assert_eq!(safe_join(root, bad), None, "{bad}");
        }
        for c in ["..", ".", "a/b", "", "a\\b", "c:"] {
            assert!(!is_safe_component(c), "{c}");
        }
        assert!(is_safe_component("alma-circle"));
    }
}
