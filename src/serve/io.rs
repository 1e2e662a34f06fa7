//! A connection that is closed when it makes no progress for a while: a client that stops
//! reading a big file, or that sends nothing, gives its connection up after [`IDLE`],
//! instead of holding it (and a descriptor) for ever.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How long a connection may make no progress at all (neither read nor written a byte).
/// Event streams send a comment more often than this, so a page left open keeps its stream.
pub(crate) const IDLE: Duration = Duration::from_secs(30);

pub(crate) struct Idle<S> {
    inner: S,
    timer: Pin<Box<tokio::time::Sleep>>,
    limit: Duration,
}

impl<S> Idle<S> {
    pub(crate) fn new(inner: S, limit: Duration) -> Idle<S> {
        Idle { inner, timer: Box::pin(tokio::time::sleep(limit)), limit }
    }
}

/// After a poll of the connection: progress resets the clock; waiting checks it.
fn check<T>(
    poll: Poll<io::Result<T>>,
    progressed: bool,
    mut timer: Pin<&mut tokio::time::Sleep>,
    limit: Duration,
    cx: &mut Context<'_>,
) -> Poll<io::Result<T>> {
    match poll {
        Poll::Ready(r) => {
            if progressed {
                timer.as_mut().reset(tokio::time::Instant::now() + limit);
            }
            Poll::Ready(r)
        }
        Poll::Pending => match timer.poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "connection idle"))),
            Poll::Pending => Poll::Pending,
        },
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        let progressed = buf.filled().len() > before;
        check(poll, progressed, this.timer.as_mut(), this.limit, cx)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write(cx, data);
        let progressed = matches!(poll, Poll::Ready(Ok(n)) if n > 0);
        check(poll, progressed, this.timer.as_mut(), this.limit, cx)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        check(poll, false, this.timer.as_mut(), this.limit, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        let progressed = matches!(poll, Poll::Ready(Ok(n)) if n > 0);
        check(poll, progressed, this.timer.as_mut(), this.limit, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
