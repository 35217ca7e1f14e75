//! CRM deals against a simulated portal with 120 deals; no account needed.
//!
//! `cargo run -p bitrix24-api --example crm --features crm`
//!
//! 1. One page of `crm.deal.list`, with `select`, `filter` and `order` set on the call.
//! 2. Every deal, walked by ID: `filter {">ID": last}`, `order {ID: ASC}`, `start=-1`, the traversal the
//!    platform recommends for long lists, since the portal then skips counting.
//! 3. One `batch`: several `crm.deal.get`, a `crm.deal.add`, and a `crm.deal.get` of the new deal
//!    through a `$result[...]` reference, each answer typed.
//!
//! Against a real portal, build the client with `Client::from_webhook("https://…/rest/1/code/")` and
//! leave out the simulator; step 3 then creates a deal.
//!
//! The docs mark `crm.deal.*` deprecated and name `crm.item.*` in their place; portals still serve
//! them, and most integrations in the field call them, so this example shows them as they are.
#![allow(deprecated)]

use bitrix24_api::crm::{
    DealAdd, DealAddFields, DealGet, DealGetError, DealGetResponse, DealList, DealListError,
};
use bitrix24_api::paging::IdCursor;
use bitrix24_api::{Client, Error, Method};
use bitrix24_sim::Simulator;
use futures::TryStreamExt;
use serde::Serialize;
use serde_json::json;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A deal as `crm.deal.get` types it; `crm.deal.list` rows have the same fields.
pub type Deal = DealGetResponse;

/// How many deals the simulated portal starts with.
pub const SEEDED_DEALS: usize = 120;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::builder().deals(SEEDED_DEALS).start().await?;
    println!("simulated portal at {}", sim.base_url());
    let client = Client::builder()
        .webhook(sim.webhook_url())
        .allow_http(true)
        .build()?;

    let (on_page, total) = won_deals_page(&client).await?;
    println!("1. crm.deal.list → {on_page} won deals over 5,000 on the first page, {total} in all");

    let before = sim.counters().requests;
    let deals = every_deal(&client).await?;
    println!(
        "2. walked {} deals by ID in {} requests",
        deals.len(),
        sim.counters().requests - before
    );
    print_stages(&deals);

    let mut largest: Vec<&Deal> = deals.iter().collect();
    largest.sort_by(|a, b| {
        let amount = b.opportunity.partial_cmp(&a.opportunity);
        amount.unwrap_or(Ordering::Equal).then(a.id.cmp(&b.id))
    });
    let ids: Vec<i64> = largest.iter().take(3).filter_map(|d| d.id).collect();
    println!("3. one batch: the three largest deals {ids:?}, a follow-up deal, and deal 999999");
    let before = sim.counters().requests;
    let batch = batch(&client, &ids).await?;
    for got in &batch.got {
        match got {
            Ok(deal) => println!("   crm.deal.get → {}", line(deal)),
            // The deal methods' errors have no code, only a description.
            Err(Error::Method(e)) => println!("   crm.deal.get → error: {}", e.description),
            Err(e) => println!("   crm.deal.get → {e}"),
        }
    }
    println!("   crm.deal.add → {}", batch.added);
    println!(
        "   crm.deal.get of $result[add] → {}",
        line(&batch.read_back)
    );
    println!("   all in {} request", sim.counters().requests - before);
    Ok(())
}

/// `crm.deal.list` with its rows read as `crm.deal.get`'s deal, so that listing and getting give one type.
///
/// The generated `DealListResponse` is a `Vec<DealListItem>` (the same table, reached through the list
/// page's link) and works with the paging helpers as it is; this wrapper only sends the generated request
/// unchanged and reads each row as a [`Deal`], the type the batch below returns.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Deals(pub DealList);

impl Method for Deals {
    const NAME: &'static str = DealList::NAME;
    const SCOPE: &'static str = DealList::SCOPE;
    const SAFE_TO_REPEAT: bool = DealList::SAFE_TO_REPEAT;
    type Response = Vec<Deal>;
    type Wire = bitrix24_api::wire::Same;
    type Error = DealListError;
}

fn names(fields: &[&str]) -> Vec<String> {
    fields.iter().map(|f| (*f).to_owned()).collect()
}

/// Step 1: one page, with the optional parameters set on the call. Returns the rows on the page and
/// the `total` the portal counted.
pub async fn won_deals_page(client: &Client) -> Result<(usize, u64), Error<DealListError>> {
    let page = client
        .crm()
        .deal_list()
        .select(names(&["ID", "TITLE", "OPPORTUNITY", "CURRENCY_ID"]))
        .filter(json!({"STAGE_ID": "WON", ">OPPORTUNITY": 5000}))
        .order(json!({"OPPORTUNITY": "DESC"}))
        .start(0)
        .await?;
    Ok((page.result.len(), page.total.unwrap_or_default()))
}

/// Step 2: every deal, 50 a request, walked by ID.
pub async fn every_deal(client: &Client) -> Result<Vec<Deal>, Error<DealListError>> {
    let request = DealList::new().select(names(&[
        "ID",
        "TITLE",
        "STAGE_ID",
        "OPPORTUNITY",
        "CURRENCY_ID",
        "DATE_CREATE",
    ]));
    client
        .items_by_id(Deals(request), IdCursor::new("ID", |deal: &Deal| deal.id))
        .try_collect()
        .await
}

/// Deals and amounts per stage and currency, the stages in the order they first appear.
fn print_stages(deals: &[Deal]) {
    let mut stages: Vec<(&str, usize, BTreeMap<&str, f64>)> = Vec::new();
    for deal in deals {
        let stage = deal.stage_id.as_deref().unwrap_or_default();
        let at = match stages.iter().position(|(s, ..)| *s == stage) {
            Some(at) => at,
            None => {
                stages.push((stage, 0, BTreeMap::new()));
                stages.len() - 1
            }
        };
        let (_, count, sums) = &mut stages[at];
        *count += 1;
        let currency = deal.currency_id.as_deref().unwrap_or_default();
        *sums.entry(currency).or_default() += deal.opportunity.unwrap_or_default();
    }
    for (stage, count, sums) in stages {
        let sums: Vec<String> = sums
            .iter()
            .map(|(currency, sum)| format!("{sum:>9.2} {currency}"))
            .collect();
        println!("   {stage:<18} {count:>3} deals {}", sums.join("  "));
    }
}

fn line(deal: &Deal) -> String {
    format!(
        "#{} {:?} {} {:.2} {}",
        deal.id.unwrap_or_default(),
        deal.title.as_deref().unwrap_or_default(),
        deal.stage_id.as_deref().unwrap_or_default(),
        deal.opportunity.unwrap_or_default(),
        deal.currency_id.as_deref().unwrap_or_default(),
    )
}

/// What the batch of step 3 answered.
pub struct BatchOutcome {
    /// `crm.deal.get` of each id asked for, then of a deal that does not exist.
    pub got: Vec<Result<Deal, Error<DealGetError>>>,
    /// The id `crm.deal.add` gave the follow-up deal.
    pub added: i64,
    /// That deal, read back in the same batch through `$result[...]`.
    pub read_back: Deal,
}

/// Step 3: one request with a `crm.deal.get` per id, one for a missing deal, a `crm.deal.add`, and a
/// `crm.deal.get` whose `id` is the new deal's, resolved by the portal.
pub async fn batch(
    client: &Client,
    ids: &[i64],
) -> Result<BatchOutcome, Box<dyn std::error::Error>> {
    let mut batch = client.batch();
    let gets: Vec<_> = ids
        .iter()
        .chain([&999_999])
        .map(|id| batch.push(DealGet::new(*id)))
        .collect();
    let fields = DealAddFields::new()
        .title(format!("Follow-up of deal {}", ids.first().unwrap_or(&0)))
        .stage_id("NEW")
        .opportunity(2500.0)
        .currency_id("EUR");
    let add = batch.push(DealAdd::new().fields(fields));
    let read_back = batch.push_with(DealGet::new(0), [("id", add.result())])?;
    let reply = batch.run().await;
    Ok(BatchOutcome {
        got: gets
            .iter()
            .map(|cmd| reply.get(cmd).map(|r| r.result))
            .collect(),
        added: reply.get(&add)?.result,
        read_back: reply.get(&read_back)?.result,
    })
}
