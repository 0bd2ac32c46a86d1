//! A small DevTools client for a capture: commands by name over the private channel, each
//! answer routed to its caller, several in flight at once; events ignored. A capture needs a
//! few commands on one tab, and the full client's set-up of every open tab (several round
//! trips each) would cost more than the capture itself.

use futures::StreamExt;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};

use crate::error::{CaptureError, Result};
use async_tungstenite::tungstenite::Message;

type Waiting = Arc<Mutex<HashMap<u64, oneshot::Sender<std::result::Result<Value, String>>>>>;

pub struct Cdp {
    out: mpsc::UnboundedSender<String>,
    waiting: Waiting,
    next: AtomicU64,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Cdp {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Cdp {
    /// Connects to a browser's DevTools address (the session's private channel).
    pub async fn connect(url: &str) -> Result<Cdp> {
        let config = async_tungstenite::tungstenite::protocol::WebSocketConfig::default()
            .max_message_size(None)
            .max_frame_size(None);
        let (socket, _) = async_tungstenite::tokio::connect_async_with_config(url, Some(config))
            .await
            .map_err(|e| CaptureError::DevTools(format!("the browser's channel does not answer: {e}")))?;
        let (mut sink, mut source) = socket.split();
        let (out, mut outbox) = mpsc::unbounded_channel::<String>();
        let writer = tokio::spawn(async move {
            while let Some(text) = outbox.recv().await {
                if sink.send(Message::text(text)).await.is_err() {
                    break;
                }
            }
        });
        let waiting: Waiting = Arc::default();
        let answers = waiting.clone();
        let reader = tokio::spawn(async move {
            while let Some(Ok(message)) = source.next().await {
                let Message::Text(text) = message else { continue };
                let Ok(reply) = serde_json::from_str::<Value>(&text) else { continue };
                let Some(id) = reply["id"].as_u64() else { continue };
                let Some(caller) = answers.lock().ok().and_then(|mut w| w.remove(&id)) else { continue };
                let answer = match reply.get("error") {
                    Some(error) => Err(error["message"].as_str().unwrap_or("the browser refused").to_string()),
                    None => Ok(reply["result"].clone()),
                };
                let _ = caller.send(answer);
            }
            // The channel closed: every caller still waiting learns it.
            if let Ok(mut waiting) = answers.lock() {
                waiting.clear();
            }
        });
        Ok(Cdp { out, waiting, next: AtomicU64::new(1), tasks: vec![writer, reader] })
    }

    /// A command, on a tab's session or the browser's; its result or the browser's refusal.
    pub async fn call(&self, session: Option<&str>, method: &str, params: Value) -> Result<Value> {
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = oneshot::channel();
        self.waiting.lock().map_err(|_| CaptureError::DevTools("the client stopped".into()))?.insert(id, tx);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        self.out
            .send(message.to_string())
            .map_err(|_| CaptureError::DevTools("the browser's channel closed".into()))?;
        match rx.await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(refusal)) => Err(CaptureError::DevTools(format!("{method}: {refusal}"))),
            Err(_) => Err(CaptureError::DevTools("the browser's channel closed".into())),
        }
    }

    /// A command to a tab through the recorder's own session with it (no session of this
    /// client's needed).
    pub async fn tab_call(&self, tab: &str, method: &str, params: Value) -> Result<Value> {
        self.call(None, crate::bridge::TAB_COMMAND, json!({ "tab": tab, "method": method, "params": params }))
            .await
            .map_err(|e| match e {
                CaptureError::DevTools(message) => {
                    CaptureError::DevTools(message.replacen(crate::bridge::TAB_COMMAND, method, 1))
                }
                other => other,
            })
    }

    /// Evaluates an expression in the tab's page and returns its value (`null` for none).
    pub async fn evaluate(&self, tab: &str, expression: &str, await_promise: bool) -> Result<Value> {
        let reply = self
            .tab_call(
                tab,
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": await_promise }),
            )
            .await?;
        if let Some(exception) = reply.get("exceptionDetails") {
            return Err(CaptureError::DevTools(format!(
                "the page's script failed: {}",
                exception["text"].as_str().unwrap_or("an exception")
            )));
        }
        Ok(reply["result"]["value"].clone())
    }
}

impl Cdp {
    /// Makes an object in the tab's page from an expression and returns its id: state kept
    /// between calls, reachable from no script of the page's.
    pub async fn make_object(&self, tab: &str, expression: &str) -> Result<String> {
        let reply =
            self.tab_call(tab, "Runtime.evaluate", json!({ "expression": expression, "returnByValue": false })).await?;
        if let Some(exception) = reply.get("exceptionDetails") {
            return Err(CaptureError::DevTools(format!(
                "the page's script failed: {}",
                exception["text"].as_str().unwrap_or("an exception")
            )));
        }
        reply["result"]["objectId"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| CaptureError::DevTools("the page made no object".into()))
    }

    /// Calls a function with `this` the object and the arguments given as values; its
    /// value, once any promise it returns has settled.
    pub async fn call_on(&self, tab: &str, object: &str, function: &str, arguments: Vec<Value>) -> Result<Value> {
        let arguments: Vec<Value> = arguments.into_iter().map(|value| json!({ "value": value })).collect();
        let reply = self
            .tab_call(
                tab,
                "Runtime.callFunctionOn",
                json!({
                    "objectId": object,
                    "functionDeclaration": function,
                    "arguments": arguments,
                    "returnByValue": true,
                    "awaitPromise": true,
                }),
            )
            .await?;
        if let Some(exception) = reply.get("exceptionDetails") {
            return Err(CaptureError::DevTools(format!(
                "the page's script failed: {}",
                exception["exception"]["description"].as_str().or(exception["text"].as_str()).unwrap_or("an exception")
            )));
        }
        Ok(reply["result"]["value"].clone())
    }
}
