//! Every command by its name, with its arguments and answer as JSON: the doors that are not
//! Tauri (the HTTP door) call the same command bodies through this, and answer exactly what
//! the desktop's window is answered.

use serde_json::Value;

use crate::{ErrorCode, Host, IpcError};

macro_rules! dispatch_commands {
    ($($name:ident($args:ty) -> $response:ty;)*) => {
        /// Runs the command `name` with its JSON arguments (`null` is taken as `{}`); `None`
        /// when there is no command of that name.
        pub fn dispatch(host: &dyn Host, name: &str, args: Value) -> Option<Result<Value, IpcError>> {
            let args = if args.is_null() { Value::Object(Default::default()) } else { args };
            match name {
                $(stringify!($name) => Some(run::<$args, $response>(host, stringify!($name), args, crate::commands::$name)),)*
                _ => None,
            }
        }
    };
}
crate::for_each_command!(dispatch_commands);

fn run<A: serde::de::DeserializeOwned, R: serde::Serialize>(
    host: &dyn Host,
    name: &str,
    args: Value,
    body: fn(&dyn Host, A) -> crate::error::Result<R>,
) -> Result<Value, IpcError> {
    let args: A = serde_json::from_value(args).map_err(|error| IpcError {
        code: ErrorCode::InvalidInput,
        message: format!("the arguments of {name} could not be read: {error}"),
        ..IpcError::internal("")
    })?;
    let answer = body(host, args)?;
    serde_json::to_value(answer).map_err(|error| IpcError::internal(format!("the answer of {name} could not be written: {error}")))
}
