//! List methods as streams: `start`/`next` paging, the faster `start=-1` + ID-cursor traversal, and
//! REST 3.0's `pagination`.

use std::hash::{DefaultHasher, Hash, Hasher};

use futures::{Stream, TryStreamExt, stream};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::client::Client;
use crate::error::Error;
use crate::method::{Decoded, Method};
use crate::params::{Params, params_of};
use crate::pipeline::Outgoing;
use crate::reply::Reply;

/// Rows per page of every list method.
pub const PAGE_SIZE: usize = 50;

/// How to walk a list by ID instead of by offset: `order {ID: ASC}`, `filter {">ID": last}`,
/// `start = -1`. The portal then skips counting, which the documentation measures as hundreds of
/// times faster on large lists. Only for methods that accept `order` and `filter` on an ID field.
pub struct IdCursor<F> {
    field: String,
    order_param: String,
    filter_param: String,
    id_of: F,
}

impl<F> IdCursor<F> {
    /// Walks by `field` (usually `ID`), reading each row's id with `id_of`. The parameters are named
    /// `order` and `filter` unless changed.
    pub fn new(field: impl Into<String>, id_of: F) -> Self {
        IdCursor {
            field: field.into(),
            order_param: "order".into(),
            filter_param: "filter".into(),
            id_of,
        }
    }

    /// The names of the order and filter parameters, for methods that spell them otherwise
    /// (`ORDER`, `FILTER`).
    pub fn params(mut self, order: impl Into<String>, filter: impl Into<String>) -> Self {
        self.order_param = order.into();
        self.filter_param = filter.into();
        self
    }
}

/// Why a walk by ID stopped before the end of the list. Either way, asking for the next page again
/// would repeat the same request forever.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PagingError {
    /// The last row of a full page has no readable ID, so there is no `>ID` to ask for next.
    #[error(
        "row {row} of a full page has no readable `{field}`, so the next page cannot be asked for"
    )]
    MissingId {
        /// The ID field.
        field: String,
        /// The row's position in the page.
        row: usize,
    },
    /// A page did not move past the previous one: the portal ignored the `>ID` filter or the order.
    #[error(
        "the page ends at {field} {last}, not after {after}: the portal ignored the filter or the order"
    )]
    NoProgress {
        /// The ID field.
        field: String,
        /// The `>ID` the request asked for.
        after: i64,
        /// The last ID of the page that came back.
        last: i64,
    },
    /// A REST 3.0 page came back with the same rows as the page before it: the method ignores
    /// `pagination`.
    #[error("page {page} has the same rows as the page before it: the method ignores `pagination`")]
    Repeated {
        /// The page number that was asked for.
        page: u64,
    },
}

enum Cursor {
    At(Params),
    Failed(String),
    Stuck(PagingError),
    Done,
}

impl Client {
    /// Every page of a list method, following `next` until the portal stops sending it. A REST 3.0
    /// method ([`Method::REST_V3`]) pages with `pagination` instead: `page` one on each time (from the
    /// request's, or 1), its `limit` kept and its `offset` dropped after the first page, until a page
    /// is empty or shorter than the limit asked for or than a page before it.
    pub fn pages<M: Method>(
        &self,
        request: M,
    ) -> impl Stream<Item = Result<Reply<M::Response>, Error<M::Error>>> + Send + '_ {
        let start = match params_of(&request) {
            Ok(params) => Cursor::At(params),
            Err(message) => Cursor::Failed(message),
        };
        stream::unfold(
            (start, Pages::default()),
            move |(cursor, mut seen)| async move {
                let params = match cursor {
                    Cursor::At(params) => params,
                    Cursor::Failed(message) => {
                        return Some((Err(Error::Encode(message)), (Cursor::Done, seen)));
                    }
                    Cursor::Stuck(e) => return Some((Err(Error::Paging(e)), (Cursor::Done, seen))),
                    Cursor::Done => return None,
                };
                let (reply, items) = match self.page::<M>(&params).await {
                    Ok(page) => page,
                    Err(e) => return Some((Err(e), (Cursor::Done, seen))),
                };
                let next = match M::REST_V3 {
                    true => seen.next(params, items),
                    false => next_start(params, reply.next),
                };
                match next {
                    // The rows were seen already: the error, not the same rows again.
                    Cursor::Stuck(e) => Some((Err(Error::Paging(e)), (Cursor::Done, seen))),
                    next => Some((Ok(reply), (next, seen))),
                }
            },
        )
    }

    /// Every row of a list method, page after page.
    pub fn items<M, T>(
        &self,
        request: M,
    ) -> impl Stream<Item = Result<T, Error<M::Error>>> + Send + '_
    where
        M: Method,
        M::Response: IntoIterator<Item = T>,
        T: Send + 'static,
        <M::Response as IntoIterator>::IntoIter: Send,
    {
        self.pages(request)
            .map_ok(|reply| stream::iter(reply.result.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Every row of a list method, walked by ID with `start=-1` (see [`IdCursor`]). Filters already in
    /// the request are kept. Each page must end past the previous one, and a full page must end in a
    /// row with an ID; otherwise the stream ends with [`Error::Paging`] instead of asking again.
    pub fn items_by_id<M, T, F>(
        &self,
        request: M,
        cursor: IdCursor<F>,
    ) -> impl Stream<Item = Result<T, Error<M::Error>>> + Send + '_
    where
        M: Method,
        M::Response: IntoIterator<Item = T>,
        T: Send + 'static,
        <M::Response as IntoIterator>::IntoIter: Send,
        F: Fn(&T) -> Option<i64> + Send + Sync + 'static,
    {
        let start = match params_of(&request) {
            Ok(mut params) => {
                params.insert("start".into(), json!(-1));
                params.insert(
                    cursor.order_param.clone(),
                    json!({ cursor.field.clone(): "ASC" }),
                );
                Cursor::At(params)
            }
            Err(message) => Cursor::Failed(message),
        };
        let walk = Walk {
            cursor,
            after: None,
        };
        stream::unfold((start, walk), move |(state, mut walk)| async move {
            let params = match state {
                Cursor::At(params) => params,
                Cursor::Failed(message) => {
                    return Some((Err(Error::Encode(message)), (Cursor::Done, walk)));
                }
                Cursor::Stuck(e) => return Some((Err(Error::Paging(e)), (Cursor::Done, walk))),
                Cursor::Done => return None,
            };
            let rows: Vec<T> = match self.page::<M>(&params).await {
                Ok((reply, _)) => reply.result.into_iter().collect(),
                Err(e) => return Some((Err(e), (Cursor::Done, walk))),
            };
            match walk.next(params, &rows) {
                Err(e @ PagingError::NoProgress { .. }) => {
                    Some((Err(Error::Paging(e)), (Cursor::Done, walk)))
                }
                Err(e) => Some((Ok(rows), (Cursor::Stuck(e), walk))),
                Ok(next) => Some((Ok(rows), (next, walk))),
            }
        })
        .map_ok(|rows| stream::iter(rows.into_iter().map(Ok)))
        .try_flatten()
    }

    /// One page, and for REST 3.0 what its `items` hold.
    async fn page<M: Method>(
        &self,
        params: &Params,
    ) -> Result<(Reply<M::Response>, Option<Items>), Error<M::Error>> {
        let raw = self
            .send_raw(Outgoing::of::<M>(params, None))
            .await
            .map_err(|f| f.into_error())?;
        let items = M::REST_V3.then(|| Items::of(&raw.result)).flatten();
        self.decode::<Decoded<M>>(M::NAME, raw)
            .map(|reply| (reply.map(|r| r.0), items))
            .map_err(Error::Decode)
    }
}

/// The classic page after this one: at `next`, unless it does not move forward, which would loop.
fn next_start(mut params: Params, next: Option<u64>) -> Cursor {
    let at = params.get("start").and_then(Value::as_u64).unwrap_or(0);
    match next {
        Some(next) if next > at => {
            params.insert("start".into(), json!(next));
            Cursor::At(params)
        }
        _ => Cursor::Done,
    }
}

/// A REST 3.0 page's `result.items`: how many rows, and a fingerprint of their text.
struct Items {
    count: usize,
    fingerprint: u64,
}

impl Items {
    fn of(result: &RawValue) -> Option<Items> {
        #[derive(Deserialize)]
        struct Page<'a> {
            #[serde(borrow)]
            items: &'a RawValue,
        }
        let items = serde_json::from_str::<Page>(result.get()).ok()?.items;
        let count = serde_json::from_str::<Vec<IgnoredAny>>(items.get())
            .ok()?
            .len();
        let mut hasher = DefaultHasher::new();
        items.get().hash(&mut hasher);
        Some(Items {
            count,
            fingerprint: hasher.finish(),
        })
    }
}

/// What a REST 3.0 walk has seen: the longest page so far, and the last page's rows.
#[derive(Default)]
struct Pages {
    longest: usize,
    last: Option<u64>,
}

impl Pages {
    /// The page after this one, or the end: a page without `items`, an empty one, or one shorter than
    /// the `limit` asked for or than a page before it is the last. A page of the same rows as the one
    /// before means the method ignores `pagination`, which would loop.
    fn next(&mut self, mut params: Params, items: Option<Items>) -> Cursor {
        let Some(items) = items.filter(|i| i.count > 0) else {
            return Cursor::Done;
        };
        let pagination = params
            .get("pagination")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let page = pagination.get("page").and_then(Value::as_u64).unwrap_or(1);
        if self.last == Some(items.fingerprint) {
            return Cursor::Stuck(PagingError::Repeated { page });
        }
        let limit = pagination.get("limit").and_then(Value::as_u64);
        let short = |below: u64| (items.count as u64) < below;
        if limit.is_some_and(short) || short(self.longest as u64) {
            return Cursor::Done;
        }
        self.longest = items.count;
        self.last = Some(items.fingerprint);
        let mut next = Map::new();
        next.insert("page".into(), json!(page + 1));
        if let Some(limit) = limit {
            next.insert("limit".into(), json!(limit));
        }
        params.insert("pagination".into(), Value::Object(next));
        Cursor::At(params)
    }
}

/// A walk by ID: the cursor and the last ID seen so far.
struct Walk<F> {
    cursor: IdCursor<F>,
    after: Option<i64>,
}

impl<F> Walk<F> {
    /// Where to go after a page: on past its last row, or nowhere after a short page. A page that
    /// does not end past the previous one (rows already seen) is an error, and so is a full page whose
    /// last row has no ID.
    fn next<T>(&mut self, params: Params, rows: &[T]) -> Result<Cursor, PagingError>
    where
        F: Fn(&T) -> Option<i64>,
    {
        let Some(row) = rows.last() else {
            return Ok(Cursor::Done);
        };
        let Some(last) = (self.cursor.id_of)(row) else {
            return if rows.len() >= PAGE_SIZE {
                Err(PagingError::MissingId {
                    field: self.cursor.field.clone(),
                    row: rows.len() - 1,
                })
            } else {
                Ok(Cursor::Done)
            };
        };
        if let Some(after) = self.after.filter(|after| last <= *after) {
            return Err(PagingError::NoProgress {
                field: self.cursor.field.clone(),
                after,
                last,
            });
        }
        if rows.len() < PAGE_SIZE {
            return Ok(Cursor::Done);
        }
        self.after = Some(last);
        Ok(Cursor::At(after(params, &self.cursor, last)))
    }
}

/// The parameters of the page after the row with id `last`.
fn after<F>(mut params: Params, cursor: &IdCursor<F>, last: i64) -> Params {
    let filter = params
        .entry(cursor.filter_param.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    if !filter.is_object() {
        *filter = Value::Object(Map::new());
    }
    if let Value::Object(filter) = filter {
        filter.insert(format!(">{}", cursor.field), json!(last));
    }
    params
}
