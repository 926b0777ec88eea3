// The extension's side of the protocol, against the real server: what VS Code's language
// client sends (vscode-languageclient is built on vscode-languageserver-protocol) and what
// it must answer. The backend is the Ollama stand-in that `tests/vscode_protocol.rs`
// starts; run through `cargo test --test vscode_protocol`, which sets
//   SUPERHELFER_BIN             the server binary
//   SUPERHELFER_TEST_OLLAMA_URL the stand-in, with `llama3.2:3b` and `qwen3-coder:30b`
//                               answering REPLY below, and `hang:latest` never answering.
// The pure helpers the extension uses (settings mapping, action choice) come from out/,
// compiled by `tsc -p .`, so the test drives the server the way the extension does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const lsp = require('vscode-languageserver-protocol/node');
const { buildServerSettings } = require('../out/settings.js');
const { pickAction, hasActionArgs, askArgs, GENERATE, FIX, EXPLAIN, ASK, STATUS } = require('../out/actions.js');

const BIN = process.env.SUPERHELFER_BIN;
const OLLAMA_URL = process.env.SUPERHELFER_TEST_OLLAMA_URL;
const skip = !BIN || !OLLAMA_URL ? 'SUPERHELFER_BIN and SUPERHELFER_TEST_OLLAMA_URL unset (run `cargo test --test vscode_protocol`)' : false;

/** What both stand-in models answer (tests/vscode_protocol.rs); the command is in the fence. */
const REPLY =
    'Here is the command:\n\n```bash\ndu -ah /var/log | sort -rh | head -n 5\n```\n\nIt lists the five largest files under /var/log.';
const COMMAND = REPLY.split('\n')[3];

/** VS Code's client capabilities, as far as the server reads them. */
const CAPABILITIES = {
    general: { positionEncodings: ['utf-16'] },
    window: {
        workDoneProgress: true,
        showMessage: { messageActionItem: { additionalPropertiesSupport: true } },
        showDocument: { support: true },
    },
    workspace: {
        applyEdit: true,
        configuration: true,
        didChangeConfiguration: { dynamicRegistration: true },
        workspaceEdit: { documentChanges: true },
    },
    textDocument: {
        synchronization: { dynamicRegistration: true, didSave: true },
        codeAction: {
            codeActionLiteralSupport: {
                codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'refactor.rewrite', 'source'] },
            },
        },
    },
};

/** The settings the extension sends for these user settings (see src/settings.ts). */
function settingsFor(user) {
    return buildServerSettings((key) => user[key]);
}

function baseUserSettings() {
    return {
        settings: {
            backends: { ollama: { kind: 'ollama', url: OLLAMA_URL } },
            actions: { shellcheck: false },
            tiers: { code: { first_token_timeout_s: 20, timeout_s: 30 } },
        },
        'vram.enabled': false,
    };
}

function offsetAt(text, pos) {
    // LSP positions count UTF-16 units, as JavaScript strings do.
    let start = 0;
    for (let i = 0; i < pos.line; i++) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) {
            return text.length;
        }
        start = nl + 1;
    }
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    return Math.min(start + pos.character, end);
}

/** An editor: documents of its own, answers to the server's requests, a record of what it was told. */
class Editor {
    constructor() {
        this.docs = new Map();
        this.messages = [];
        this.dialogs = [];
        this.shown = [];
        this.progress = [];
        this.stderr = '';
        // No configuration file and no OLLAMA_HOST: only initializationOptions count.
        const env = { ...process.env, SUPERHELFER_CONFIG: '/dev/null' };
        delete env.OLLAMA_HOST;
        this.proc = spawn(BIN, ['lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
        this.proc.stderr.on('data', (d) => (this.stderr += d.toString()));
        this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
        const c = lsp.createProtocolConnection(
            new lsp.StreamMessageReader(this.proc.stdout),
            new lsp.StreamMessageWriter(this.proc.stdin),
        );
        this.conn = c;
        c.onRequest(lsp.ApplyWorkspaceEditRequest.type, (p) => this.applyEdit(p.edit));
        c.onRequest(lsp.ShowDocumentRequest.type, (p) => {
            this.shown.push(p);
            return { success: true };
        });
        c.onRequest(lsp.ShowMessageRequest.type, (p) => {
            this.dialogs.push(p);
            return null;
        });
        c.onRequest(lsp.WorkDoneProgressCreateRequest.type, () => null);
        c.onRequest(lsp.ConfigurationRequest.type, (p) => p.items.map(() => null));
        c.onRequest(lsp.RegistrationRequest.type, () => undefined);
        c.onNotification(lsp.ShowMessageNotification.type, (p) => this.messages.push(p));
        c.onNotification(lsp.LogMessageNotification.type, () => undefined);
        c.onNotification(lsp.PublishDiagnosticsNotification.type, () => undefined);
        c.onUnhandledProgress((p) => this.progress.push(p));
        c.listen();
    }

    async initialize(initializationOptions, capabilities = CAPABILITIES) {
        const r = await this.conn.sendRequest(lsp.InitializeRequest.type, {
            processId: process.pid,
            rootUri: null,
            capabilities,
            initializationOptions,
            clientInfo: { name: 'Visual Studio Code (protocol test)', version: '1.85.0' },
        });
        await this.conn.sendNotification(lsp.InitializedNotification.type, {});
        return r;
    }

    /** Progress for a token of ours, recorded as it arrives (one handler per token). */
    watch(token, onValue = () => undefined) {
        const seen = [];
        const sub = this.conn.onProgress(lsp.WorkDoneProgress.type, token, (v) => {
            seen.push(v);
            onValue(v);
        });
        return { seen, dispose: () => sub.dispose() };
    }

    async open(uri, languageId, text) {
        this.docs.set(uri, { text, version: 1, languageId });
        await this.conn.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
            textDocument: { uri, languageId, version: 1, text },
        });
    }

    text(uri) {
        return this.docs.get(uri).text;
    }

    /** `workspace/applyEdit`: applied to our copy, then sent back as didChange, as VS Code does. */
    async applyEdit(edit) {
        const perDoc = [];
        for (const dc of edit.documentChanges ?? []) {
            perDoc.push([dc.textDocument.uri, dc.textDocument.version, dc.edits]);
        }
        for (const [uri, edits] of Object.entries(edit.changes ?? {})) {
            perDoc.push([uri, null, edits]);
        }
        for (const [uri, version, edits] of perDoc) {
            const doc = this.docs.get(uri);
            if (doc === undefined) {
                return { applied: false, failureReason: `${uri} is not open` };
            }
            if (version !== null && version !== doc.version) {
                return { applied: false, failureReason: `version ${version}, editor has ${doc.version}` };
            }
            // Last first, so earlier offsets stay valid; sent in the same order, each
            // change applies to the result of the one before.
            const sorted = [...edits].sort((a, b) => offsetAt(doc.text, b.range.start) - offsetAt(doc.text, a.range.start));
            for (const e of sorted) {
                const a = offsetAt(doc.text, e.range.start);
                const b = offsetAt(doc.text, e.range.end);
                doc.text = doc.text.slice(0, a) + e.newText + doc.text.slice(b);
            }
            doc.version += 1;
            await this.conn.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
                textDocument: { uri, version: doc.version },
                contentChanges: sorted.map((e) => ({ range: e.range, text: e.newText })),
            });
        }
        return { applied: true };
    }

    codeActions(uri, range, diagnostics = []) {
        return this.conn.sendRequest(lsp.CodeActionRequest.type, {
            textDocument: { uri },
            range,
            context: { diagnostics },
        });
    }

    execute(command, args, workDoneToken) {
        return this.conn.sendRequest(lsp.ExecuteCommandRequest.type, { command, arguments: args, workDoneToken });
    }

    async close() {
        try {
            await this.conn.sendRequest(lsp.ShutdownRequest.type);
            await this.conn.sendNotification(lsp.ExitNotification.type);
        } catch {
            // Already gone; the exit code below tells.
        }
        const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
        const code = await this.exited;
        clearTimeout(timer);
        this.conn.dispose();
        return code;
    }
}

/** An editor for one test; closed (and its exit code checked) at the end. */
async function withEditor(t, user, fn, capabilities = CAPABILITIES) {
    const ed = new Editor();
    try {
        const init = await ed.initialize(settingsFor(user), capabilities);
        await fn(ed, init);
    } catch (e) {
        t.diagnostic(`server stderr:\n${ed.stderr}`);
        throw e;
    } finally {
        const code = await ed.close();
        assert.equal(code, 0, `the server exits cleanly after shutdown/exit\n${ed.stderr}`);
    }
}

const pos = (line, character) => ({ line, character });

/**
 * Waits until `check()` is true (notifications and responses travel separately, so a
 * notification sent before a response may arrive after it); false after a few seconds.
 */
async function eventually(check) {
    for (let i = 0; i < 250; i++) {
        if (check()) {
            return true;
        }
        await new Promise((r) => setTimeout(r, 20));
    }
    return check();
}

test('initialize: the server offers the commands the extension contributes', { skip }, async (t) => {
    await withEditor(t, baseUserSettings(), async (ed, init) => {
        const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
        const contributed = pkg.contributes.commands.map((c) => c.command);
        const offered = init.capabilities.executeCommandProvider.commands;
        for (const c of offered) {
            assert.ok(contributed.includes(c), `${c} is in package.json's contributes.commands`);
        }
        assert.deepEqual(new Set(offered), new Set([GENERATE, EXPLAIN, ASK, STATUS, 'superhelfer.fixError', 'superhelfer.askAgain']));
        assert.equal(init.capabilities.positionEncoding, 'utf-16');
        assert.equal(init.serverInfo.name, 'superhelfer');
        // A configuration error would come after `initialized`, before the status text.
        const r = await ed.execute(STATUS, []);
        // A toast would cut it to one line: the report opens as a document.
        assert.ok(await eventually(() => ed.shown.some((d) => /status\.md$/.test(d.uri))), 'the status report opens');
        assert.deepEqual(
            ed.messages.filter((m) => m.type !== lsp.MessageType.Info),
            [],
            'no configuration error for the settings the extension builds',
        );
    });
});

test('Generate shell command: the command lands under the comment, with progress on our token', { skip }, async (t) => {
    await withEditor(t, baseUserSettings(), async (ed) => {
        const uri = 'file:///w/cleanup.sh';
        await ed.open(uri, 'shellscript', '#!/bin/bash\nif true; then\n    # list the five biggest files in /var/log\n    echo done\nfi\n');
        const list = await ed.codeActions(uri, { start: pos(2, 4), end: pos(2, 4) });
        const action = pickAction(list, GENERATE);
        assert.ok(action, `a Generate action in ${JSON.stringify(list)}`);
        assert.match(action.title, /^Generate shell command with superhelfer: list the five biggest/);
        assert.ok(hasActionArgs(action.arguments), 'the extension tells these arguments from a palette call');
        assert.equal(pickAction(list, EXPLAIN), undefined, 'no explain without a selection');

        const token = 'vscode-test-generate';
        const progress = ed.watch(token);
        const r = await ed.execute(action.command, action.arguments, token);
        progress.dispose();
        assert.equal(r.inserted, true, JSON.stringify(r));
        assert.equal(r.command, COMMAND);
        assert.equal(r.risk.level, 'safe');
        assert.equal(
            ed.text(uri),
            `#!/bin/bash\nif true; then\n    # list the five biggest files in /var/log\n    ${COMMAND}\n    echo done\nfi\n`,
        );
        const kinds = progress.seen.map((v) => v.kind);
        assert.equal(kinds[0], 'begin', JSON.stringify(progress.seen));
        assert.equal(kinds[kinds.length - 1], 'end');
        assert.equal(progress.seen[0].title, 'superhelfer: Generate shell command');
        assert.equal(progress.seen[0].cancellable, true);
        // Begin comes at once; the route follows as a report.
        assert.ok(
            progress.seen.some((v) => /code tier · qwen3-coder:30b/.test(v.message ?? '')),
            JSON.stringify(progress.seen),
        );
        assert.match(progress.seen[kinds.length - 1].message, /qwen3-coder:30b/);
        assert.equal(
            ed.progress.filter((p) => p.token === token).length,
            0,
            'all progress for our token went to its handler',
        );

        // The server saw our didChange: the same line asks again, after the new one.
        const again = await ed.codeActions(uri, { start: pos(2, 0), end: pos(2, 0) });
        const second = pickAction(again, GENERATE);
        assert.equal(second.arguments[0].version, 2, 'listed for the edited version');
    });
});

test('Fix error: a diagnostic from another extension, the fix applied as an edit', { skip }, async (t) => {
    await withEditor(t, baseUserSettings(), async (ed) => {
        const uri = 'file:///w/size.sh';
        await ed.open(uri, 'shellscript', '#!/bin/bash\nsize $1\nexit 0\n');
        // As VS Code sends diagnostics of any source with the code action request.
        const diagnostic = {
            range: { start: pos(1, 0), end: pos(1, 4) },
            severity: 1,
            source: 'bash-ide',
            message: 'size: command not found',
        };
        const list = await ed.codeActions(uri, { start: pos(1, 2), end: pos(1, 2) }, [diagnostic]);
        const action = pickAction(list, FIX);
        assert.ok(action, `a Fix action in ${JSON.stringify(list)}`);
        assert.match(action.title, /^Fix with superhelfer: size: command not found/);
        assert.deepEqual(action.arguments[0].diagnostics, [diagnostic], 'the diagnostic travels with the command');
        const r = await ed.execute(action.command, action.arguments, 'vscode-test-fix');
        assert.equal(r.applied, true, JSON.stringify(r));
        assert.equal(ed.text(uri), `#!/bin/bash\n${COMMAND}\nexit 0\n`);
        assert.equal(r.start_line, 1);
        assert.equal(r.new_text, COMMAND);
    });
});

test('Explain selection: a Markdown document for the preview, and the result for the extension', { skip }, async (t) => {
    await withEditor(t, baseUserSettings(), async (ed) => {
        const uri = 'file:///w/rotate.py';
        await ed.open(uri, 'python', 'import os\n\nfor f in os.listdir("/var/log"):\n    print(f)\n');
        const list = await ed.codeActions(uri, { start: pos(2, 0), end: pos(3, 12) });
        const action = pickAction(list, EXPLAIN);
        assert.ok(action, `an Explain action in ${JSON.stringify(list)}`);
        const r = await ed.execute(action.command, action.arguments, 'vscode-test-explain');
        assert.equal(r.shown_as, 'document', JSON.stringify(r));
        assert.equal(ed.shown.length, 1, 'one window/showDocument');
        const shown = ed.shown[0];
        assert.match(shown.uri, /^file:\/\/.*\.md$/);
        assert.notEqual(shown.external, true, 'inside the editor, so the middleware opens the preview');
        const file = fileURLToPath(shown.uri);
        assert.equal(file, r.path);
        assert.ok(existsSync(file), file);
        assert.equal(readFileSync(file, 'utf8'), r.markdown);
        assert.ok(r.markdown.includes(COMMAND), r.markdown);
        assert.ok(r.answer.includes('five largest files'), r.answer);
        if (process.env.XDG_CACHE_HOME) {
            assert.ok(file.startsWith(process.env.XDG_CACHE_HOME), `${file} under XDG_CACHE_HOME`);
        }
        assert.ok(['llama3.2:3b', 'qwen3-coder:30b'].includes(r.outcome.model_used), JSON.stringify(r.outcome));
    });
});

test('Ask: the question from the input box, with the arguments the palette builds', { skip }, async (t) => {
    await withEditor(t, baseUserSettings(), async (ed) => {
        const uri = 'file:///w/notes.md';
        await ed.open(uri, 'markdown', '# Logs\n\nRotate them weekly.\n');
        const r = await ed.execute(ASK, askArgs(uri, { start: pos(2, 0), end: pos(2, 0) }, 1, ' Which command lists big files? '));
        assert.ok(r.answer.includes('five largest files'), JSON.stringify(r));
        assert.ok(typeof r.markdown === 'string' && r.markdown.length > 0);
        // Without a question the server refuses, and says so.
        await assert.rejects(
            ed.execute(ASK, askArgs(uri, { start: pos(0, 0), end: pos(0, 0) }, 1, '  ')),
            (e) => e.code === lsp.ErrorCodes.InvalidParams && /question/.test(e.message),
        );
    });
});

test('Status: the fields the status bar and the output channel use', { skip }, async (t) => {
    const user = baseUserSettings();
    user['tiers.heavy.model'] = 'llama3.1:8b';
    user['tiers.heavy.vramMb'] = 6000;
    await withEditor(t, user, async (ed) => {
        const r = await ed.execute(STATUS, []);
        assert.equal(typeof r.version, 'string');
        assert.equal(r.router.enabled, true);
        assert.equal(r.router.default_tier, 'fast');
        assert.equal(r.backends.length, 1);
        assert.equal(r.backends[0].name, 'ollama');
        assert.equal(r.backends[0].url.replace(/\/$/, ''), OLLAMA_URL.replace(/\/$/, ''));
        assert.equal(r.backends[0].reachable, true, JSON.stringify(r.backends[0]));
        assert.deepEqual(r.tiers.map((x) => x.tier), ['fast', 'code', 'heavy']);
        const heavy = r.tiers.find((x) => x.tier === 'heavy');
        assert.equal(heavy.model, 'llama3.1:8b', 'tiers.heavy.model reached the server');
        assert.equal(heavy.installed, false);
        assert.equal(r.tiers.find((x) => x.tier === 'code').installed, true);
        assert.equal(r.gpu.state, 'disabled', 'vram.enabled = false reached the server');
        assert.ok(r.shellcheck === null || /^\d+\.\d+/.test(r.shellcheck), String(r.shellcheck));
        assert.match(r.text, /tiers:/);
        assert.ok(await eventually(() => ed.shown.some((d) => /status\.md$/.test(d.uri))), 'the report opens as a document');
        const report = readFileSync(fileURLToPath(ed.shown.find((d) => /status\.md$/.test(d.uri)).uri), 'utf8');
        assert.ok(report.includes(r.text), 'the same text as the result');
        assert.ok(!ed.messages.some((m) => m.message === r.text), 'not cut into a toast');
    });
});

test('An unknown key in superhelfer.settings is reported with its key', { skip }, async (t) => {
    const user = baseUserSettings();
    user.settings.bogus = { x: 1 };
    await withEditor(t, user, async (ed) => {
        assert.ok(await eventually(() => ed.messages.some((m) => m.type === lsp.MessageType.Error)), 'an error is shown');
        const errors = ed.messages.filter((m) => m.type === lsp.MessageType.Error);
        assert.equal(errors.length, 1, JSON.stringify(ed.messages));
        assert.match(errors[0].message, /bogus/);
        assert.match(errors[0].message, /initializationOptions/);
    });
});

test('didChangeConfiguration takes effect; cancel from the progress notification stops the work', { skip }, async (t) => {
    await withEditor(t, baseUserSettings(), async (ed) => {
        const now = baseUserSettings();
        now['tiers.fast.model'] = 'hang:latest';
        now.settings.router = { enabled: false };
        now.settings.tiers.fast = { first_token_timeout_s: 60, timeout_s: 60 };
        await ed.conn.sendNotification(lsp.DidChangeConfigurationNotification.type, {
            settings: { superhelfer: settingsFor(now) },
        });
        const uri = 'file:///w/a.sh';
        await ed.open(uri, 'shellscript', '#!/bin/sh\necho hi\n');
        const token = 'vscode-test-cancel';
        let onBegin;
        const began = new Promise((resolve) => (onBegin = resolve));
        // The route is reported once the model is chosen (begin comes before it).
        const progress = ed.watch(token, (v) => /tier ·/.test(v.message ?? '') && onBegin(v));
        // Settled into a value at once: a rejection before the assertion is not unhandled.
        const settled = ed
            .execute(
                ASK,
                askArgs(uri, { start: pos(1, 0), end: pos(1, 7) }, 1, 'What does it print?'),
                token,
            )
            .then(
                (value) => ({ value }),
                (error) => ({ error }),
            );
        const begin = await began;
        assert.match(begin.message, /fast tier · hang:latest/, 'the new fast model answers');
        await ed.conn.sendNotification(lsp.WorkDoneProgressCancelNotification.type, { token });
        const outcome = await settled;
        assert.ok(outcome.error, `the request fails: ${JSON.stringify(outcome)}`);
        assert.equal(outcome.error.code, lsp.LSPErrorCodes.RequestCancelled, outcome.error.message);
        await eventually(() => progress.seen.some((v) => v.kind === 'end'));
        progress.dispose();
        const end = progress.seen.find((v) => v.kind === 'end');
        assert.ok(end, JSON.stringify(progress.seen));
        assert.equal(end.message, 'cancelled');
        assert.equal(
            ed.messages.filter((m) => m.type === lsp.MessageType.Error).length,
            0,
            'a cancel is no error for the user',
        );
    });
});

/** What src/ghost.ts's GhostTextCapability adds to the client's capabilities. */
const WITH_GHOST_TEXT = {
    ...CAPABILITIES,
    textDocument: { ...CAPABILITIES.textDocument, inlineCompletion: { dynamicRegistration: false } },
};

test('Ghost text: offered to the extension, the command on the line after the request', { skip }, async (t) => {
    await withEditor(
        t,
        baseUserSettings(),
        async (ed, init) => {
            assert.equal(init.capabilities.inlineCompletionProvider, true);
            const uri = 'file:///w/ghost.sh';
            await ed.open(uri, 'shellscript', '#!/bin/bash\n# list the 5 largest files in /var/log\n\n');
            // As src/ghost.ts sends it for an explicit invocation (VS Code's Invoke).
            const answer = await ed.conn.sendRequest('textDocument/inlineCompletion', {
                textDocument: { uri },
                position: pos(2, 0),
                context: { triggerKind: 1 },
            });
            const items = Array.isArray(answer) ? answer : (answer?.items ?? []);
            assert.equal(items.length, 1, JSON.stringify(answer));
            assert.equal(items[0].insertText, COMMAND);
            assert.deepEqual(items[0].range, { start: pos(2, 0), end: pos(2, 0) });
            assert.equal(ed.dialogs.length, 0, 'never a dialog from ghost text');
        },
        WITH_GHOST_TEXT,
    );
    // VS Code's own capabilities (without the extension's feature): not offered.
    await withEditor(t, baseUserSettings(), async (_ed, init) => {
        assert.equal(init.capabilities.inlineCompletionProvider, undefined);
    });
});
