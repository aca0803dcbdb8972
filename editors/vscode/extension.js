// Starts `intentc lsp` for .intent files. Everything else (diagnostics, hover, definitions,
// references, rename, completion, outline, code actions) comes from the language server.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("intentc");
  const command = config.get("path", "intentc");
  const args = ["lsp"];
  if (config.get("strict", false)) {
    args.push("--strict");
  }
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient(
    "intentc",
    "intentc",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "intent" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
