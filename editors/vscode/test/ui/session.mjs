// A person's session in real VS Code (code-server in headless Chromium), driven with
// puppeteer-core: the keys and clicks a user makes, the screen read back. Run by
// tests/vscode_ui.rs, which prepares code-server's folders (the extension installed) and
// the Ollama stand-in behind the server. This script starts code-server, runs the session,
// ends code-server's whole process group, and prints one JSON object with what it saw; a
// screenshot per step goes to the screens folder.
//
// usage: node session.mjs SETUP.json
//   SETUP: { codeServer, args: [...], env: {...}, port, folder, screens, puppeteerDir }
//   folder holds disk.sh (a safe request on line 2), wipe.sh (a request whose answer is
//   dangerous, on line 2) and ghost.sh (a shebang line only: the ghost-text request is typed).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

const setup = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { folder, screens } = setup;
const userData = setup.args[setup.args.indexOf('--user-data-dir') + 1];
const url = `http://127.0.0.1:${setup.port}`;
// puppeteer-core lives with code-server in the CI cache, not in the extension's packages.
const puppeteer = createRequire(path.join(setup.puppeteerDir, 'package.json'))('puppeteer-core');

const server = spawn(setup.codeServer, setup.args, {
    env: { ...process.env, ...setup.env },
    detached: true,
    stdio: ['ignore', fs.openSync(path.join(screens, 'code-server.log'), 'w'), 'ignore'],
});
function stopServer() {
    try {
        process.kill(-server.pid, 'SIGTERM');
    } catch {}
}
process.on('exit', stopServer);

function healthy() {
    return new Promise((resolve) => {
        const req = http.get(`${url}/healthz`, (res) => {
            res.resume();
            resolve(res.statusCode === 200);
        });
        req.on('error', () => resolve(false));
        req.setTimeout(2000, () => {
            req.destroy();
            resolve(false);
        });
    });
}

// Every selector in one place: they change between VS Code versions (code-server is pinned).
const SEL = {
    workbench: '.monaco-workbench',
    quickInputRow: '.quick-input-list .monaco-list-row',
    // The active group's editor: after the preview opens there are two groups.
    editorLines: '.editor-group-container.active .editor-instance .monaco-editor .view-lines',
    actionOption: '.action-widget [role=option]',
    dialog: '.monaco-dialog-box',
    dialogMessage: '.monaco-dialog-box .dialog-message-text',
    dialogDetail: '.monaco-dialog-box .dialog-message-detail',
    dialogButton: '.monaco-dialog-box .dialog-buttons a.monaco-button',
    tab: '.tabs-container .tab',
    previewFrame: 'iframe.webview',
    toast: '.notifications-toasts .notification-list-item',
    // Inline completions (ghost text): the part on the cursor's line, and lines below it.
    ghostText: '.editor-group-container.active .monaco-editor [class*="ghost-text"]',
    statusItem: '.statusbar-item',
    settingsEditor: '.settings-editor',
    settingsSearch: '.settings-editor .settings-header .suggest-input-container',
    settingsCheckbox: '.settings-editor .setting-item-bool .setting-value-checkbox',
};
const STEP_MS = 45000;
const START_MS = 90000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const result = { steps: [] };
let shot = 0;

const t0 = Date.now();
while (!(await healthy())) {
    if (Date.now() - t0 > START_MS) {
        process.stdout.write(`${JSON.stringify({ error: 'code-server did not answer /healthz' })}\n`);
        process.exit(1);
    }
    await sleep(250);
}

const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        `--user-data-dir=${path.join(screens, 'chromium-profile')}`, '--window-size=1280,800',
    ],
});
const page = await browser.newPage();
await page.setViewport({ width: 1280, height: 800 });

async function snap(label) {
    shot += 1;
    const file = path.join(screens, `${String(shot).padStart(2, '0')}-${label}.png`);
    await page.screenshot({ path: file }).catch(() => {});
    return file;
}

/** What a person could read when a step fails: notifications and the status bar (with tooltips). */
async function seen() {
    const toasts = await page.$$eval(SEL.toast, (ts) => ts.map((t) => t.innerText)).catch(() => []);
    const status = await page.$$eval(SEL.statusItem, (is) => is.map((i) => `${i.textContent.trim()} | ${i.getAttribute('aria-label') || ''}`)).catch(() => []);
    return { toasts, status: status.filter((t) => /superhelfer/i.test(t)) };
}

async function step(name, work) {
    const started = Date.now();
    try {
        const out = await work();
        result.steps.push({ name, ok: true, ms: Date.now() - started });
        return out;
    } catch (e) {
        await snap(`${name}-failed`);
        result.steps.push({ name, ok: false, error: String(e && e.stack || e), seen: await seen() });
        throw e;
    }
}

async function chord(mod, key) {
    await page.keyboard.down(mod);
    await page.keyboard.press(key);
    await page.keyboard.up(mod);
}

async function editorText() {
    return page.$eval(SEL.editorLines, (e) => e.innerText.replace(/\u00a0/g, ' '));
}

async function waitText(pred, what) {
    const t0 = Date.now();
    let text = '';
    while (Date.now() - t0 < STEP_MS) {
        text = await editorText().catch(() => '');
        if (pred(text)) return text;
        await sleep(150);
    }
    throw new Error(`timed out waiting for ${what}; editor shows:\n${text}`);
}

async function openFile(name) {
    await chord('Control', 'KeyP');
    await page.keyboard.type(name);
    await page.waitForFunction(
        (sel, n) => [...document.querySelectorAll(sel)].some((r) => r.textContent.includes(n)),
        { timeout: STEP_MS }, SEL.quickInputRow, name);
    await page.keyboard.press('Enter');
    await page.waitForFunction(
        (sel, n) => [...document.querySelectorAll(sel)].some((t) => t.textContent.includes(n) && t.classList.contains('active')),
        { timeout: STEP_MS }, SEL.tab, name);
    await waitText((t) => t.length > 0, `${name} to show`);
}

async function gotoLine(n) {
    await chord('Control', 'KeyG');
    await sleep(200);
    await page.keyboard.type(String(n));
    await page.keyboard.press('Enter');
    await sleep(200);
}

/** Ctrl+. and the action whose title starts with `title`; returns every title listed. */
async function pickAction(title) {
    // The server may still be starting or the editor still taking focus: a person presses
    // the key again when no menu comes.
    const t0 = Date.now();
    for (;;) {
        await chord('Control', 'Period');
        const listed = await page.waitForFunction(
            (sel, t) => [...document.querySelectorAll(sel)].some((o) => o.textContent.includes(t)),
            { timeout: 5000 }, SEL.actionOption, title).then(() => true, () => false);
        if (listed) break;
        if (Date.now() - t0 > STEP_MS) throw new Error(`no action "${title}" listed`);
        await page.keyboard.press('Escape');
    }
    const titles = await page.$$eval(SEL.actionOption, (os) => os.map((o) => o.textContent.trim()));
    const index = titles.findIndex((t) => t.includes(title));
    for (let i = 0; i < index; i += 1) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    return titles;
}

/** The status bar items' texts, for the progress state. */
async function statusTexts() {
    return page.$$eval(SEL.statusItem, (items) => items.map((i) => i.textContent.trim()).filter(Boolean));
}

async function waitProgressEnded() {
    await page.waitForFunction(
        (sel) => ![...document.querySelectorAll(sel)].some((t) => /superhelfer/i.test(t.textContent) && t.querySelector('.monaco-progress-container.active, .codicon-loading, .codicon-sync~spin')),
        { timeout: STEP_MS }, SEL.toast);
}

/** The ghost text shown in the active editor ('' for none): its innermost elements' text. */
async function ghostText() {
    return page.$$eval(SEL.ghostText, (es, sel) => es
        .filter((e) => !e.querySelector('[class*="ghost-text"]'))
        .map((e) => e.textContent.replace(/\u00a0/g, ' '))
        .join(''), SEL.ghostText);
}

/** Runs a command from the command palette (F1), as a person who knows its name. */
async function command(title) {
    await page.keyboard.press('F1');
    await page.waitForSelector(SEL.quickInputRow, { timeout: STEP_MS });
    await page.keyboard.type(title);
    await page.waitForFunction(
        (sel, t) => [...document.querySelectorAll(sel)].some((r) => r.textContent.includes(t)),
        { timeout: STEP_MS }, SEL.quickInputRow, title.replace(/^.*: /, ''));
    await page.keyboard.press('Enter');
    await sleep(500);
}

/** How often the extension has started the server (its output channel says so each time). */
function serverStarts() {
    let n = 0;
    const walk = (dir) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.name.endsWith('superhelfer.log')) n += (fs.readFileSync(p, 'utf8').match(/superhelfer: started /g) || []).length;
        }
    };
    try {
        walk(path.join(userData, 'logs'));
    } catch {}
    return n;
}

/** Polls the saved file until `pred` holds; returns its text. */
async function waitFile(name, pred, what) {
    const t0 = Date.now();
    let text = '';
    while (Date.now() - t0 < STEP_MS) {
        text = fs.readFileSync(path.join(folder, name), 'utf8');
        if (pred(text)) return text;
        await sleep(150);
    }
    throw new Error(`timed out waiting for ${what}; ${name} holds:\n${text}`);
}

try {
    await step('open', async () => {
        await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded' });
        await page.waitForSelector(SEL.workbench, { timeout: 90000 });
        await openFile('disk.sh');
        await snap('opened');
    });

    result.generate = await step('generate', async () => {
        await gotoLine(2);
        const titles = await pickAction('Generate shell command');
        const text = await waitText((t) => t.includes('df -h'), 'the inserted command');
        await waitProgressEnded();
        await sleep(500);
        await snap('generated');
        return { titles, text, status: await statusTexts() };
    });

    result.explain = await step('explain', async () => {
        await gotoLine(4);
        await page.keyboard.down('Shift');
        await page.keyboard.press('End');
        await page.keyboard.up('Shift');
        await sleep(300);
        const titles = await pickAction('Explain selection');
        await page.waitForFunction(
            (sel) => [...document.querySelectorAll(sel)].some((t) => /Preview .*\.md/.test(t.textContent)),
            { timeout: STEP_MS }, SEL.tab);
        await sleep(1500);
        await snap('explained');
        const tabs = await page.$$eval(SEL.tab, (ts) => ts.map((t) => t.textContent.trim()));
        return { titles, tabs };
    });

    result.danger = await step('danger', async () => {
        await openFile('wipe.sh');
        const before = await editorText();
        await gotoLine(2);
        await pickAction('Generate shell command');
        await page.waitForSelector(SEL.dialog, { visible: true, timeout: STEP_MS });
        await sleep(300);
        await snap('danger-question');
        const message = await page.$eval(SEL.dialogMessage, (e) => e.innerText).catch(() => '');
        const detail = await page.$eval(SEL.dialogDetail, (e) => e.innerText).catch(() => '');
        const buttons = await page.$$eval(SEL.dialogButton, (bs) => bs.map((b) => b.textContent.trim()));
        const cancel = (await page.$$(SEL.dialogButton))[buttons.indexOf('Cancel')];
        if (!cancel) throw new Error(`no Cancel button in ${JSON.stringify(buttons)}`);
        await cancel.click();
        await page.waitForSelector(SEL.dialog, { hidden: true, timeout: STEP_MS });
        await waitProgressEnded();
        await sleep(800);
        await snap('danger-cancelled');
        return { before, after: await editorText(), message, detail, buttons };
    });

    // Ghost text as a person meets it: the request typed as a comment, Enter, the command
    // appears in grey on the fresh line (an automatic request, debounced by the server),
    // Tab inserts it, Ctrl+S saves.
    result.ghost = await step('ghost', async () => {
        // One editor group again (the preview opened a second), wide enough to read.
        await command('View: Single Column Editor Layout');
        await openFile('ghost.sh');
        await chord('Control', 'End');
        await page.keyboard.type('# list the 5 largest files here');
        await page.keyboard.press('Enter');
        const t0 = Date.now();
        let shown = '';
        while (Date.now() - t0 < STEP_MS) {
            shown = await ghostText();
            if (shown.includes('head -n 5')) break;
            await sleep(150);
        }
        const screen = await snap('ghost-text');
        if (!shown.includes('head -n 5')) {
            throw new Error(`no ghost text (shown: ${JSON.stringify(shown)}); editor shows:\n${await editorText()}`);
        }
        await page.keyboard.press('Tab');
        // Accepted: the grey text is gone and the line holds the command.
        await page.waitForFunction(
            (sel) => ![...document.querySelectorAll(sel)].some((e) => e.textContent.includes('head -n 5')),
            { timeout: STEP_MS }, SEL.ghostText);
        const text = await waitText((t) => t.includes('head -n 5'), 'the accepted command');
        await chord('Control', 'KeyS');
        const saved = await waitFile('ghost.sh', (t) => t.includes('head -n 5'), 'the saved command');
        await sleep(300);
        await snap('ghost-accepted');
        return { shown, screen, text, saved, status: await statusTexts() };
    });

    // A request whose answer is dangerous: no ghost text; "Trigger Inline Suggestion"
    // (from the palette: VS Code 1.139 binds no key to it) asks explicitly, and a
    // notification says why.
    result.ghostDanger = await step('ghost-danger', async () => {
        await page.keyboard.press('End');
        await page.keyboard.press('Enter');
        await page.keyboard.type('# free up space on the root disk');
        await page.keyboard.press('Enter');
        await sleep(1500);
        await command('Trigger Inline Suggestion');
        await page.waitForFunction(
            (sel) => [...document.querySelectorAll(sel)].some((t) => t.innerText.includes('no ghost text')),
            { timeout: STEP_MS }, SEL.toast);
        await sleep(300);
        await snap('ghost-danger-said-why');
        const toasts = await page.$$eval(SEL.toast, (ts) => ts.map((t) => t.innerText));
        return { shown: await ghostText(), toasts, text: await editorText() };
    });
    // superhelfer.inline.enabled off: the extension restarts the server, which then offers
    // no inline completion, so a request typed and Enter ask no model and show nothing.
    result.ghostOff = await step('ghost-off', async () => {
        // As a person does it: the Settings editor, the setting searched, its box unticked.
        await command('Preferences: Open Settings (UI)');
        await page.waitForSelector(SEL.settingsSearch, { visible: true, timeout: STEP_MS });
        await sleep(500);
        await page.keyboard.type('superhelfer.inline.enabled');
        await page.waitForSelector(SEL.settingsCheckbox, { visible: true, timeout: STEP_MS });
        // The list is drawn again while the search settles: the box is clicked until it
        // reads unticked (a click on a box that is replaced meanwhile is lost).
        const t0 = Date.now();
        let checked = null;
        while (serverStarts() < 2) {
            checked = await page.$eval(SEL.settingsCheckbox, (e) => e.getAttribute('aria-checked')).catch(() => null);
            if (checked === 'true') await page.click(SEL.settingsCheckbox).catch(() => {});
            if (Date.now() - t0 > STEP_MS) {
                throw new Error(`the server was not restarted after the setting changed (box: ${checked})`);
            }
            await sleep(1000);
        }
        await snap('ghost-off-setting');
        // VS Code 1.139 shows the Settings editor over the workbench: Escape closes it.
        for (let i = 0; i < 3 && (await page.$(SEL.settingsEditor)) !== null; i += 1) {
            await page.keyboard.press('Escape');
            await sleep(500);
        }
        await page.waitForFunction(
            (sel) => [...document.querySelectorAll(sel)].some((i) => /superhelfer: ready/.test(i.getAttribute('aria-label') || '')),
            { timeout: STEP_MS }, SEL.statusItem);
        await openFile('ghost.sh');
        await chord('Control', 'End');
        await page.keyboard.press('Enter');
        await page.keyboard.type('# count the lines of every script here');
        await page.keyboard.press('Enter');
        // Long enough for ghost text to show when it is on (about a second in the step above).
        await sleep(4000);
        await snap('ghost-off');
        return { shown: await ghostText(), text: await editorText(), starts: serverStarts() };
    });
} catch (e) {
    result.error = String(e && e.stack || e);
} finally {
    await browser.close().catch(() => {});
    stopServer();
    // VS Code's own logs (the extension's output channel among them), for a failed run.
    try {
        fs.cpSync(path.join(userData, 'logs'), path.join(screens, 'logs'), { recursive: true });
    } catch {}
    fs.writeFileSync(path.join(screens, 'result.json'), JSON.stringify(result, null, 1));
    process.stdout.write(`${JSON.stringify(result)}\n`);
}
