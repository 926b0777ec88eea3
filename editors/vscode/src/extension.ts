// The VS Code side of superhelfer: starts `superhelfer lsp --stdio`, passes the settings
// through, runs the server's commands with a progress token of its own (status bar and a
// cancellable notification), and opens explanations in the Markdown preview. All model
// work, prompts and safety checks live in the server; this file only wires the editor.

import * as vscode from 'vscode';
import {
    ClientCapabilities,
    CodeActionRequest,
    DidChangeConfigurationNotification,
    DocumentFilter,
    ExecuteCommandRequest,
    FeatureState,
    LanguageClient,
    LanguageClientOptions,
    LSPErrorCodes,
    ResponseError,
    ServerOptions,
    ShowDocumentParams,
    ShowDocumentResult,
    StaticFeature,
    WorkDoneProgress,
    WorkDoneProgressCancelNotification,
} from 'vscode-languageclient/node';

import {
    ASK,
    EXPLAIN,
    FIX,
    NOTHING_HERE,
    OWN_TOKEN_PREFIX,
    ProgressValue,
    STATUS,
    TITLES,
    askArgs,
    hasActionArgs,
    pickAction,
} from './actions';
import {
    Json,
    buildServerSettings,
    expandPath,
    findServer,
    namesWorkspace,
    removedKeys,
    userValueOf,
} from './settings';
import { StatusBar } from './status';
import { GhostTextCapability, registerGhostText } from './ghost';

const SECTION = 'superhelfer';
/** Settings read when the server process starts; a change restarts it. */
// `inline.enabled` decides the capability the server advertises in `initialize`.
const PROCESS_SETTINGS = ['path', 'configFile', 'logLevel', 'languages', 'inline.enabled'];

let client: LanguageClient | undefined;
/** What was sent as `initializationOptions` to the running server. */
let initialSettings: Json = {};
let output: vscode.OutputChannel;
let statusBar: StatusBar;
let selector: DocumentFilter[] = [];
/** The inline completion provider of the running server, if it offers one. */
let ghostText: vscode.Disposable | undefined;
let tokenSeq = 0;
/** Starts, stops and settings changes run one after another, never two clients at once. */
let lifecycle: Promise<void> = Promise.resolve();

function serialized(work: () => Promise<void>): Promise<void> {
    lifecycle = lifecycle.then(work, work);
    return lifecycle;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    output = vscode.window.createOutputChannel('superhelfer');
    statusBar = new StatusBar();
    context.subscriptions.push(
        output,
        statusBar,
        vscode.commands.registerCommand('superhelfer.restart', () => serialized(restart)),
        vscode.workspace.onDidChangeConfiguration((e) => serialized(() => onConfigurationChanged(e))),
        // Trust brings the workspace's restricted settings into play: start over with them.
        vscode.workspace.onDidGrantWorkspaceTrust(() => serialized(restart)),
    );
    // Activation waits for the start, so a palette command that activated the extension
    // finds the server's commands registered.
    await serialized(startClient);
}

export async function deactivate(): Promise<void> {
    await serialized(stopClient);
}

function config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
}

function workspaceFolder(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/**
 * A setting as the user set it: restricted settings come from the user's own settings only
 * while the workspace is untrusted (see `userValueOf`).
 */
function userSetting(key: string): unknown {
    return userValueOf(key, config().inspect(key), vscode.workspace.isTrusted);
}

/** A machine-scoped path setting (user settings only), `''` when unset. */
function ownPath(key: string): string {
    const v = userSetting(key);
    return typeof v === 'string' ? v : '';
}

/** The server settings from what the user set (built-in defaults are not sent). */
function currentSettings(): Json {
    return buildServerSettings(userSetting);
}

function documentSelector(): DocumentFilter[] {
    const languages = config().get<string[]>('languages', []);
    const schemes = ['file', 'untitled'];
    if (languages.includes('*')) {
        return schemes.map((scheme) => ({ scheme }));
    }
    return languages.flatMap((language) => schemes.map((scheme) => ({ scheme, language })));
}

async function startClient(): Promise<void> {
    const cfg = config();
    const folder = workspaceFolder();
    const rawPath = ownPath('path');
    const rawConfigFile = ownPath('configFile');
    if (!vscode.workspace.isTrusted && (namesWorkspace(rawPath) || namesWorkspace(rawConfigFile))) {
        // The program or its configuration would come from a workspace that is not trusted.
        statusBar.stopped('not started: the workspace is not trusted');
        void vscode.window.showWarningMessage(
            'superhelfer: superhelfer.path or superhelfer.configFile uses ${workspaceFolder}; trust this workspace to run the server from it.',
        );
        return;
    }
    const configured = expandPath(rawPath, folder);
    const bin = findServer(configured);
    if (bin === undefined) {
        statusBar.stopped(`server not found (${configured || 'superhelfer on PATH'})`);
        const open = 'Open Settings';
        // Not awaited: activation must not wait for the user to close the message.
        void vscode.window
            .showErrorMessage(
                configured
                    ? `superhelfer: the server binary ${configured} was not found or is not executable.`
                    : 'superhelfer: `superhelfer` was found neither on PATH nor in ~/.cargo/bin. Install it (cargo install --path .) or set superhelfer.path.',
                open,
            )
            .then((choice) =>
                choice === open
                    ? vscode.commands.executeCommand('workbench.action.openSettings', 'superhelfer.path')
                    : undefined,
            );
        return;
    }
    const env: NodeJS.ProcessEnv = { ...process.env };
    const configFile = expandPath(rawConfigFile, folder);
    if (configFile !== '') {
        env.SUPERHELFER_CONFIG = configFile;
    }
    const logLevel = cfg.get<string>('logLevel', '').trim();
    if (logLevel !== '') {
        env.SUPERHELFER_LOG = logLevel;
    }
    // No `transport`: the client would append its own `--stdio`.
    const serverOptions: ServerOptions = {
        command: bin,
        args: ['lsp', '--stdio'],
        options: { env },
    };
    selector = documentSelector();
    initialSettings = currentSettings();
    const clientOptions: LanguageClientOptions = {
        documentSelector: selector,
        outputChannel: output,
        initializationOptions: initialSettings,
        middleware: {
            executeCommand: (command, args) => runCommand(command, args),
            window: { showDocument: showDocument },
            workspace: {
                // The server pulls its section when a didChangeConfiguration carries none.
                configuration: (params, token, next) =>
                    params.items.some((i) => i.section === SECTION)
                        ? params.items.map((i) => (i.section === SECTION ? currentSettings() : null))
                        : next(params, token),
            },
            handleWorkDoneProgress: (token, params, next) => {
                // The client routes all progress through here; ours is shown by `execute`.
                if (!String(token).startsWith(OWN_TOKEN_PREFIX)) {
                    statusBar.progress(String(token), params as ProgressValue);
                }
                next(token, params);
            },
        },
    };
    const c = new LanguageClient(SECTION, 'superhelfer', serverOptions, clientOptions);
    c.registerFeature(new ModalQuestions());
    c.registerFeature(new GhostTextCapability());
    c.onRequest(ASK_MODAL, askModal);
    client = c;
    statusBar.starting();
    try {
        await c.start();
        output.appendLine(`superhelfer: started ${bin}`);
        ghostText = registerGhostText(c, selector);
        statusBar.idle();
    } catch (e) {
        client = undefined;
        statusBar.stopped(`failed to start: ${errorText(e)}`);
        output.appendLine(`superhelfer: failed to start ${bin}: ${errorText(e)}`);
        void vscode.window.showErrorMessage(`superhelfer: the server failed to start (${errorText(e)}). See the output channel "superhelfer".`);
    }
}

async function stopClient(): Promise<void> {
    const c = client;
    client = undefined;
    ghostText?.dispose();
    ghostText = undefined;
    if (c !== undefined) {
        try {
            await c.dispose(3000);
        } catch (e) {
            output.appendLine(`superhelfer: stop: ${errorText(e)}`);
        }
    }
}

async function restart(): Promise<void> {
    await stopClient();
    await startClient();
}

async function onConfigurationChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
    if (!e.affectsConfiguration(SECTION)) {
        return;
    }
    if (PROCESS_SETTINGS.some((k) => e.affectsConfiguration(`${SECTION}.${k}`)) || client === undefined) {
        await restart();
        return;
    }
    const now = currentSettings();
    const removed = removedKeys(initialSettings, now);
    if (removed.length > 0) {
        output.appendLine(`superhelfer: ${removed.join(', ')} no longer set; restarting the server`);
        await restart();
        return;
    }
    await client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { [SECTION]: now },
    });
}

/** The server's questions (VRAM consent, a dangerous command) as a modal dialog. */
const ASK_MODAL = 'superhelfer/askModal';

interface AskModalParams {
    /** 1 error, 2 warning, 3 info, as in `window/showMessageRequest`. */
    type: number;
    message: string;
    detail?: string;
    actions: string[];
}

/**
 * Tells the server that this client shows its questions as modal dialogs (an experimental
 * capability): a toast drops newlines and sits under the progress notification.
 */
class ModalQuestions implements StaticFeature {
    fillClientCapabilities(capabilities: ClientCapabilities): void {
        const experimental = (capabilities.experimental ?? {}) as Record<string, unknown>;
        experimental.superhelfer = { ...(experimental.superhelfer as object | undefined), askModal: true };
        capabilities.experimental = experimental;
    }
    getState(): FeatureState {
        return { kind: 'static' };
    }
    initialize(): void {}
    clear(): void {}
}

async function askModal(params: AskModalParams): Promise<{ title: string } | null> {
    const items = params.actions.map((title) => ({ title, isCloseAffordance: title === 'Cancel' }));
    const options = { modal: true, detail: params.detail };
    const show =
        params.type === 1
            ? vscode.window.showErrorMessage
            : params.type === 3
              ? vscode.window.showInformationMessage
              : vscode.window.showWarningMessage;
    const choice = await show(params.message, options, ...items);
    return choice === undefined || choice.isCloseAffordance ? null : { title: choice.title };
}

/** Explanations (Markdown files the server wrote) open in the Markdown preview. */
async function showDocument(
    params: ShowDocumentParams,
    next: (params: ShowDocumentParams, token: vscode.CancellationToken) => unknown,
): Promise<ShowDocumentResult> {
    const uri = vscode.Uri.parse(params.uri);
    if (params.external !== true && uri.scheme === 'file' && uri.path.toLowerCase().endsWith('.md')) {
        const command = config().get<boolean>('explanation.toSide', true)
            ? 'markdown.showPreviewToSide'
            : 'markdown.showPreview';
        try {
            await vscode.commands.executeCommand(command, uri);
            return { success: true };
        } catch (e) {
            // The built-in Markdown extension is disabled: the file as text.
            output.appendLine(`superhelfer: ${command} failed (${errorText(e)}); opening as text`);
        }
    }
    const cts = new vscode.CancellationTokenSource();
    try {
        return (await next(params, cts.token)) as ShowDocumentResult;
    } finally {
        cts.dispose();
    }
}

/**
 * Every server command runs here: the client registers the server's commands and hands
 * their invocations to this middleware. Code actions bring their arguments; the palette
 * and keybindings bring none.
 */
async function runCommand(command: string, args: unknown[]): Promise<unknown> {
    const c = client;
    if (c === undefined || !c.isRunning()) {
        void vscode.window.showErrorMessage('superhelfer: the server is not running (command "superhelfer: Restart server").');
        return undefined;
    }
    if (command === STATUS) {
        return execute(c, STATUS, []);
    }
    if (!hasActionArgs(args)) {
        return fromPalette(c, command);
    }
    return execute(c, command, args);
}

/** Runs a server command with a progress token of its own: status bar and notification. */
async function execute(c: LanguageClient, command: string, args: unknown[]): Promise<unknown> {
    const token = `${OWN_TOKEN_PREFIX}${process.pid}-${++tokenSeq}`;
    const title = TITLES[command] ?? command;
    statusBar.begin(token, title);
    let endMessage: string | undefined;
    const run = async (
        report?: (message: string) => void,
        cancel?: vscode.CancellationToken,
    ): Promise<unknown> => {
        const progress = c.onProgress(WorkDoneProgress.type, token, (v) => {
            statusBar.progress(token, v as ProgressValue);
            if (v.kind === 'end') {
                endMessage = v.message;
            } else if (v.message !== undefined) {
                report?.(v.message);
            }
        });
        // The server's cancel path: it drops the model call and ends the progress.
        const onCancel = cancel?.onCancellationRequested(() => {
            void c.sendNotification(WorkDoneProgressCancelNotification.type, { token });
        });
        try {
            return await c.sendRequest(ExecuteCommandRequest.type, {
                command,
                arguments: args,
                workDoneToken: token,
            });
        } finally {
            progress.dispose();
            onCancel?.dispose();
        }
    };
    try {
        const result =
            command === STATUS
                ? await run()
                : await vscode.window.withProgress(
                      {
                          location: vscode.ProgressLocation.Notification,
                          title: `superhelfer: ${title}`,
                          cancellable: true,
                      },
                      (p, cancel) => run((message) => p.report({ message }), cancel),
                  );
        statusBar.end(token, 'done', endMessage);
        afterCommand(command, result);
        return result;
    } catch (e) {
        const cancelled = e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled;
        statusBar.end(token, cancelled ? 'cancelled' : 'failed', cancelled ? undefined : errorText(e));
        // The server has shown its error to the user already; the log keeps it.
        output.appendLine(`superhelfer: ${command}: ${cancelled ? 'cancelled' : errorText(e)}`);
        return undefined;
    }
}

function afterCommand(command: string, result: unknown): void {
    if (command === STATUS && typeof result === 'object' && result !== null) {
        const text = (result as { text?: unknown }).text;
        if (typeof text === 'string') {
            output.appendLine(text);
            output.show(true);
        }
    }
}

/** From the palette or a keybinding: the matching code action at the cursor or selection. */
async function fromPalette(c: LanguageClient, command: string): Promise<unknown> {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) {
        void vscode.window.showInformationMessage('superhelfer: open a file first.');
        return undefined;
    }
    const doc = editor.document;
    if (vscode.languages.match(selector, doc) === 0) {
        void vscode.window.showInformationMessage(
            `superhelfer is not enabled for ${doc.languageId} files (setting superhelfer.languages).`,
        );
        return undefined;
    }
    const conv = c.code2ProtocolConverter;
    let range: vscode.Range = editor.selection;
    if (command === ASK) {
        const question = await vscode.window.showInputBox({
            title: 'superhelfer: Ask',
            prompt: range.isEmpty ? 'A question about this file' : 'A question about this file and the selection',
            placeHolder: 'What does this script do when the disk is full?',
            ignoreFocusOut: true,
        });
        if (question === undefined || question.trim() === '') {
            return undefined;
        }
        return execute(c, ASK, askArgs(conv.asUri(doc.uri), conv.asRange(range), doc.version, question));
    }
    if (command === EXPLAIN && range.isEmpty) {
        range = doc.lineAt(range.start.line).range;
    }
    const diagnostics =
        command === FIX
            ? vscode.languages
                  .getDiagnostics(doc.uri)
                  .filter((d) => d.range.start.line <= range.end.line && d.range.end.line >= range.start.line)
            : [];
    const list = await c.sendRequest(CodeActionRequest.type, {
        textDocument: { uri: conv.asUri(doc.uri) },
        range: conv.asRange(range),
        context: { diagnostics: await conv.asDiagnostics(diagnostics) },
    });
    const action = pickAction(list, command);
    if (action === undefined) {
        void vscode.window.showInformationMessage(`superhelfer: ${NOTHING_HERE[command] ?? 'nothing to do here.'}`);
        return undefined;
    }
    return execute(c, action.command, action.arguments ?? []);
}

function errorText(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}
