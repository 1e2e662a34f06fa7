//! What `serve` serves: an immutable snapshot of the site, swapped whole when a rebuild (or
//! one phase of it) is done. Requests read the snapshot current when they arrive; the
//! rebuild never holds anything they wait for.
//!
//! Each output remembers the version at which it last changed, so an open page can ask
//! "has what I show changed since version N?" and get the right answer however many
//! phases or saves happened since it loaded.

use crate::incremental::Outcome;
use crate::render::Body;
use std::collections::HashMap;
use std::sync::Arc;

/// The outputs as served, by path; shared between snapshots until one changes.
pub(crate) type Files = HashMap<String, Arc<Body>>;

#[derive(Default, Clone)]
pub(crate) struct Snapshot {
    pub version: u64,
    /// `None` until the first build succeeds.
    pub files: Option<Arc<Files>>,
    /// The version at which each output last changed (added, changed or removed).
    pub changed_at: Arc<HashMap<String, u64>>,
    /// The last version at which a stylesheet or script changed: every page shows those.
    pub styles_changed: u64,
    /// The error of the last rebuild, if it failed (the site is then the last good one).
    pub error: Option<Arc<str>>,
}

/// How requests see the current snapshot, and wait for the next.
pub(crate) type Watch = tokio::sync::watch::Receiver<Arc<Snapshot>>;

/// The rebuilding side: makes each next snapshot from the last and publishes it.
pub(crate) struct Publisher {
    tx: tokio::sync::watch::Sender<Arc<Snapshot>>,
    next: Snapshot,
    /// The warnings printed so far (each is printed once).
    pub warned: std::collections::HashSet<String>,
}

impl Publisher {
    pub(crate) fn new() -> (Publisher, Watch) {
        let (tx, rx) = tokio::sync::watch::channel(Arc::new(Snapshot::default()));
        (Publisher { tx, next: Snapshot::default(), warned: Default::default() }, rx)
    }

    /// Publishes the outputs a rebuild changed (taking their bytes from `files`), and clears
    /// the error. Nothing is published when nothing changed and there was no error.
    pub(crate) fn outputs(&mut self, outcome: &Outcome, files: &HashMap<String, Arc<Body>>) {
        let cleared = self.next.error.is_some();
        let first = self.next.files.is_none();
        if outcome.changed.is_empty() && !cleared && !first {
            return;
        }
        self.next.version += 1;
        let version = self.next.version;
        let served = Arc::make_mut(self.next.files.get_or_insert_with(Default::default));
        let changed_at = Arc::make_mut(&mut self.next.changed_at);
        for path in &outcome.changed {
            match files.get(path) {
                Some(body) => served.insert(path.clone(), Arc::clone(body)),
                None => served.remove(path),
            };
            changed_at.insert(path.clone(), version);
            if path.ends_with(".css") || path.ends_with(".js") {
                self.next.styles_changed = version;
            }
        }
        self.next.error = None;
        self.publish();
    }

    /// Publishes a failed rebuild: the last good site stays, with the error over it.
    pub(crate) fn error(&mut self, error: String) {
        self.next.version += 1;
        self.next.error = Some(error.into());
        self.publish();
    }

    fn publish(&self) {
        self.tx.send_replace(Arc::new(self.next.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::http::Asked;

    fn outcome(changed: &[&str]) -> Outcome {
        Outcome { changed: changed.iter().map(|s| s.to_string()).collect(), ..Outcome::default() }
    }

    #[test]
    fn a_page_learns_of_every_change_to_itself_however_many_versions_passed() {
        let (mut p, rx) = Publisher::new();
        let mut files: HashMap<String, Arc<Body>> = HashMap::new();
        for f in ["index.html", "wiki/a/index.html", "404.html", "static/style.css"] {
            files.insert(f.into(), Arc::new(Body::Static(b"x")));
        }
        p.outputs(&outcome(&["index.html", "wiki/a/index.html", "404.html", "static/style.css"]), &files);
        let page =
            Asked { since: rx.borrow().version, served: "wiki/a/index.html".into(), asked: "wiki/a/index.html".into() };
        let missing =
            Asked { since: rx.borrow().version, served: "404.html".into(), asked: "wiki/b/index.html".into() };
        // A change to it in one phase, then many other changes: still stale.
        p.outputs(&outcome(&["wiki/a/index.html"]), &files);
        for _ in 0..5 {
            p.outputs(&outcome(&["index.html"]), &files);
        }
        p.error("boom".into());
        assert!(page.stale(&rx.borrow()));
        assert!(!missing.stale(&rx.borrow()));
        // The missing page appears: the 404 learns of it.
        files.insert("wiki/b/index.html".into(), Arc::new(Body::Static(b"b")));
        p.outputs(&outcome(&["wiki/b/index.html"]), &files);
        assert!(missing.stale(&rx.borrow()));
        assert!(rx.borrow().error.is_none(), "a good build clears the error");
        // A stylesheet changes every page.
        let other = Asked { since: rx.borrow().version, served: "index.html".into(), asked: "index.html".into() };
        assert!(!other.stale(&rx.borrow()));
        p.outputs(&outcome(&["static/style.css"]), &files);
        assert!(other.stale(&rx.borrow()));
        // A page whose file is deleted.
        let gone =
            Asked { since: rx.borrow().version, served: "wiki/a/index.html".into(), asked: "wiki/a/index.html".into() };
        files.remove("wiki/a/index.html");
        p.outputs(&outcome(&["wiki/a/index.html"]), &files);
        assert!(gone.stale(&rx.borrow()));
        assert!(!rx.borrow().files.as_ref().unwrap().contains_key("wiki/a/index.html"));
    }
}
