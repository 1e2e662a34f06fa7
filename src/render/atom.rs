//! The one Atom (RFC 4287) writer, for the site's and each group's feed ([`super::feeds`])
//! and for recent changes ([`super::history`]). Written by hand, two-space indented, every
//! text and address escaped by [`push_xml`]. Optional elements are left out when `None`.

use super::escape::push_xml;

/// What a feed says of itself.
pub(super) struct Head<'a> {
    pub title: &'a str,
    /// The feed's own address: its `rel="self"` link and its id.
    pub self_url: &'a str,
    /// The page the feed follows (`rel="alternate"`).
    pub home_url: &'a str,
    /// RFC 3339, as written.
    pub updated: &'a str,
    pub author: Option<&'a str>,
}

/// One entry.
pub(super) struct Entry<'a> {
    pub title: &'a str,
    /// Its `rel="alternate"` link.
    pub link: &'a str,
    pub id: &'a str,
    /// RFC 3339, as written.
    pub updated: &'a str,
    pub author: Option<&'a str>,
    /// A `<category term="..."/>`.
    pub category: Option<&'a str>,
    pub summary: &'a str,
    /// HTML, written escaped as `<content type="html">`.
    pub content_html: Option<&'a str>,
}

/// A feed being written: its head by [`Atom::new`], then each [`Atom::entry`], then
/// [`Atom::finish`].
pub(super) struct Atom {
    x: String,
}

impl Atom {
    /// Starts a feed; `capacity` is a guess at its length in bytes.
    pub(super) fn new(head: &Head, capacity: usize) -> Atom {
        let mut x = String::with_capacity(capacity);
        x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
        element(&mut x, "  ", "title", head.title);
        link(&mut x, "  ", "rel=\"self\"", head.self_url);
        link(&mut x, "  ", ALTERNATE, head.home_url);
        element(&mut x, "  ", "id", head.self_url);
        element(&mut x, "  ", "updated", head.updated);
        if let Some(a) = head.author {
            author(&mut x, "  ", a);
        }
        Atom { x }
    }

    pub(super) fn entry(&mut self, e: &Entry) {
        let x = &mut self.x;
        x.push_str("  <entry>\n");
        element(x, "    ", "title", e.title);
        link(x, "    ", ALTERNATE, e.link);
        element(x, "    ", "id", e.id);
        element(x, "    ", "updated", e.updated);
        if let Some(a) = e.author {
            author(x, "    ", a);
        }
        if let Some(term) = e.category {
            x.push_str("    <category term=\"");
            push_xml(x, term);
            x.push_str("\"/>\n");
        }
        element(x, "    ", "summary", e.summary);
        if let Some(html) = e.content_html {
            x.push_str("    <content type=\"html\">");
            push_xml(x, html);
            x.push_str("</content>\n");
        }
        x.push_str("  </entry>\n");
    }

    pub(super) fn finish(mut self) -> String {
        self.x.push_str("</feed>\n");
        self.x
    }
}

const ALTERNATE: &str = "rel=\"alternate\" type=\"text/html\"";

/// `<name>text</name>` on a line of its own.
fn element(x: &mut String, indent: &str, name: &str, text: &str) {
    x.push_str(indent);
    x.push('<');
    x.push_str(name);
    x.push('>');
    push_xml(x, text);
    x.push_str("</");
    x.push_str(name);
    x.push_str(">\n");
}

/// `<link .../>` with its attributes and address.
fn link(x: &mut String, indent: &str, attributes: &str, href: &str) {
    x.push_str(indent);
    x.push_str("<link ");
    x.push_str(attributes);
    x.push_str(" href=\"");
    push_xml(x, href);
    x.push_str("\"/>\n");
}

fn author(x: &mut String, indent: &str, name: &str) {
    x.push_str(indent);
    x.push_str("<author><name>");
    push_xml(x, name);
    x.push_str("</name></author>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_head_and_entries_with_and_without_the_optional_elements() {
        let head = Head {
            title: "A & B",
            self_url: "https://x.org/atom.xml",
            home_url: "https://x.org/",
            updated: "2027-01-02T03:04:05Z",
            author: Some("A <site>"),
        };
        let mut feed = Atom::new(&head, 0);
        feed.entry(&Entry {
            title: "One",
            link: "https://x.org/one/?a=1&b=2",
            id: "https://x.org/one/",
            updated: "2027-01-01T00:00:00Z",
            author: Some("Ana"),
            category: Some("story"),
            summary: "It's \"short\"",
            content_html: Some("<p>Hi</p>"),
        });
        feed.entry(&Entry {
            title: "Two",
            link: "https://x.org/two/",
            id: "https://x.org/#two",
            updated: "2026-12-31T00:00:00Z",
            author: None,
            category: None,
            summary: "Changed: two",
            content_html: None,
        });
        assert_eq!(
            feed.finish(),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">
  <title>A &amp; B</title>
  <link rel=\"self\" href=\"https://x.org/atom.xml\"/>
  <link rel=\"alternate\" type=\"text/html\" href=\"https://x.org/\"/>
  <id>https://x.org/atom.xml</id>
  <updated>2027-01-02T03:04:05Z</updated>
  <author><name>A &lt;site&gt;</name></author>
  <entry>
    <title>One</title>
    <link rel=\"alternate\" type=\"text/html\" href=\"https://x.org/one/?a=1&amp;b=2\"/>
    <id>https://x.org/one/</id>
    <updated>2027-01-01T00:00:00Z</updated>
    <author><name>Ana</name></author>
    <category term=\"story\"/>
    <summary>It&apos;s &quot;short&quot;</summary>
    <content type=\"html\">&lt;p&gt;Hi&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Two</title>
    <link rel=\"alternate\" type=\"text/html\" href=\"https://x.org/two/\"/>
    <id>https://x.org/#two</id>
    <updated>2026-12-31T00:00:00Z</updated>
    <summary>Changed: two</summary>
  </entry>
</feed>
"
        );
    }
}
