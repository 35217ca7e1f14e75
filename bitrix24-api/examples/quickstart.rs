//! A walk through an open-lines dialog against a simulated portal; no account needed.
//!
//! `cargo run -p bitrix24-api --example quickstart`
//!
//! Against a real portal, build the client with `Client::from_webhook("https://…/rest/1/code/")` and
//! leave out the simulator.

use bitrix24_api::Client;
use bitrix24_api::generated::imopenlines::SessionHistoryGetMessage;
use bitrix24_sim::Simulator;
use bitrix24_sim::demo::users::SECOND_OPERATOR;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A portal on 127.0.0.1 with a demo open line, two operators and a client waiting in chat 2.
    let sim = Simulator::builder()
        .webhook(SECOND_OPERATOR, "second-operator-hook")
        .start()
        .await?;
    println!("simulated portal at {}", sim.base_url());

    let admin = Client::builder()
        .webhook(sim.webhook_url())
        .allow_http(true)
        .build()?;
    let second_operator = Client::builder()
        .webhook(format!(
            "{}/rest/{SECOND_OPERATOR}/second-operator-hook/",
            sim.base_url()
        ))
        .allow_http(true)
        .build()?;
    println!("client: {admin:?}\n");

    // 1. Which chat belongs to this client of the live chat on line 1?
    let opened = admin
        .imopenlines()
        .session_open("livechat|1|2|1002")
        .await?;
    let chat_id = opened
        .result
        .chat_id
        .ok_or("session.open returned no chat id")?;
    println!("1. imopenlines.session.open    → chat {chat_id}");

    let waiting = admin
        .imopenlines()
        .session_history_get()
        .chat_id(chat_id)
        .await?
        .result;
    println!(
        "   waiting in session {}:",
        waiting.session_id.unwrap_or_default()
    );
    print_messages(waiting.message.unwrap_or_default().into_values().collect());

    // 2. The second operator starts a new session in it…
    let started = second_operator.imopenlines().session_start(chat_id).await?;
    println!("2. imopenlines.session.start   → {}", started.result);

    // 3. …and the administrator joins the conversation.
    let joined = admin.imopenlines().session_join(chat_id).await?;
    println!("3. imopenlines.session.join    → {}", joined.result);

    // 4. The history of the chat, typed.
    let history = admin
        .imopenlines()
        .session_history_get()
        .chat_id(chat_id)
        .await?
        .result;
    println!(
        "4. imopenlines.session.history.get → session {}:",
        history.session_id.unwrap_or_default()
    );
    print_messages(history.message.unwrap_or_default().into_values().collect());

    // Errors are typed too: a transfer needs a target.
    match second_operator
        .imopenlines()
        .operator_transfer(chat_id)
        .await
    {
        Ok(reply) => println!(
            "\ntransfer without a target → unexpectedly {}",
            reply.result
        ),
        Err(e) => println!("\ntransfer without a target → {e}"),
    }
    Ok(())
}

fn print_messages(mut messages: Vec<SessionHistoryGetMessage>) {
    messages.sort_by_key(|m| m.id.as_deref().and_then(|id| id.parse::<i64>().ok()));
    for message in messages {
        let author = message.senderid.as_deref().unwrap_or("?");
        println!("   [user {author:>2}] {}", message.text.unwrap_or_default());
    }
}
