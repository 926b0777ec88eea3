// The extension's logic that needs no VS Code: the settings it sends, the server binary it
// finds, the action it picks for a palette command. Loaded from out/ (compiled by tsc).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { chmodSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { buildServerSettings, removedKeys, leafPaths, expandPath, findServer, userValueOf, namesWorkspace, RESTRICTED, MACHINE_SCOPED } =
    require('../out/settings.js');
const { pickAction, hasActionArgs, runningText, GENERATE, FIX, EXPLAIN } = require('../out/actions.js');

const from = (user) => buildServerSettings((key) => user[key]);

test('only what the user set is sent, in the server schema', () => {
    assert.deepEqual(from({}), {});
    assert.deepEqual(
        from({
            'tiers.code.model': ' qwen2.5-coder:7b ',
            'tiers.heavy.vramMb': 24000,
            'vram.enabled': true,
            'vram.warnAt': 0.9,
            'vram.confirm': false,
        }),
        {
            tiers: { code: { model: 'qwen2.5-coder:7b' }, heavy: { vram_mb: 24000 } },
            vram: { enabled: true, warn_at: 0.9, confirm: false },
        },
    );
});

test('ghost text and warm-ahead switches reach the server as inline.enabled and router.warm_ahead', () => {
    assert.deepEqual(from({ 'inline.enabled': false, 'router.warmAhead': false }), {
        inline: { enabled: false },
        router: { warm_ahead: false },
    });
    assert.deepEqual(from({ 'inline.enabled': 'off' }), {}, 'not a boolean: not sent');
});

test('values of the wrong shape are not sent (VS Code lets users type anything into settings.json)', () => {
    assert.deepEqual(
        from({ 'tiers.fast.model': '', 'tiers.fast.vramMb': -1, 'tiers.code.vramMb': 1.5, 'vram.enabled': 'yes', 'vram.warnAt': null }),
        {},
    );
    assert.deepEqual(from({ settings: [1, 2] }), {}, 'settings must be an object');
});

test('superhelfer.settings passes through; typed settings win key by key', () => {
    const free = {
        backends: { gpu: { kind: 'openai', url: 'http://gpu:8080/v1', api_key_env: 'GPU_KEY' } },
        tiers: { code: { model: 'from-settings', backend: 'gpu', keep_alive: '1h' } },
        router: { enabled: false },
    };
    const out = from({ settings: free, 'tiers.code.model': 'typed' });
    assert.deepEqual(out, {
        backends: { gpu: { kind: 'openai', url: 'http://gpu:8080/v1', api_key_env: 'GPU_KEY' } },
        tiers: { code: { model: 'typed', backend: 'gpu', keep_alive: '1h' } },
        router: { enabled: false },
    });
    assert.equal(free.tiers.code.model, 'from-settings', 'the user object is not mutated');
});

test('removed keys are found (they need a restart), changed ones are not', () => {
    const before = { tiers: { code: { model: 'a', vram_mb: 1 } }, vram: { enabled: false } };
    assert.deepEqual(removedKeys(before, before), []);
    assert.deepEqual(removedKeys(before, { tiers: { code: { model: 'b', vram_mb: 2 } }, vram: { enabled: true } }), []);
    assert.deepEqual(removedKeys(before, { tiers: { code: { model: 'a' } } }).sort(), ['tiers.code.vram_mb', 'vram.enabled']);
    assert.deepEqual(removedKeys({ a: 1 }, { a: { b: 2 } }), [], 'a leaf that became a table is still set');
    assert.deepEqual(leafPaths({ a: { b: 1, c: {} }, d: [1] }), ['a.b', 'a.c', 'd']);
});

test('paths: ~ and ${workspaceFolder} expand', () => {
    assert.equal(expandPath(''), '');
    assert.ok(!expandPath('~/bin/superhelfer').startsWith('~'));
    assert.equal(expandPath('${workspaceFolder}/target/debug/superhelfer', '/w'), '/w/target/debug/superhelfer');
});

test('the server binary: configured path, PATH, then ~/.cargo/bin', { skip: process.platform === 'win32' }, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'superhelfer-find-'));
    try {
        const onPath = path.join(dir, 'path');
        const home = path.join(dir, 'home');
        mkdirSync(onPath);
        mkdirSync(path.join(home, '.cargo', 'bin'), { recursive: true });
        const cargoBin = path.join(home, '.cargo', 'bin', 'superhelfer');
        writeFileSync(cargoBin, '#!/bin/sh\n');
        chmodSync(cargoBin, 0o755);
        const env = { PATH: onPath };
        assert.equal(findServer('', env, home), cargoBin, 'not on PATH: ~/.cargo/bin');

        const pathBin = path.join(onPath, 'superhelfer');
        writeFileSync(pathBin, '#!/bin/sh\n');
        chmodSync(pathBin, 0o644);
        assert.equal(findServer('', env, home), cargoBin, 'a file without the executable bit does not count');
        chmodSync(pathBin, 0o755);
        assert.equal(findServer('', env, home), pathBin, 'PATH first');

        assert.equal(findServer(cargoBin, env, home), cargoBin, 'a configured path');
        assert.equal(findServer(path.join(dir, 'missing'), env, home), undefined);
        assert.equal(findServer('other-name', env, home), undefined, 'a configured name is looked up on PATH only');
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test('the palette picks the action that runs its command', () => {
    const list = [
        { title: 'Fix with superhelfer: SC2086', kind: 'quickfix', command: { title: 'Fix', command: FIX, arguments: [{ uri: 'u' }] } },
        { title: 'Other', command: 'other.command' },
        { title: 'Generate shell command: x', command: 'superhelfer.generateCommand', arguments: [{ uri: 'g' }] },
        { title: 'Explain (disabled)', command: { title: 'e', command: EXPLAIN }, disabled: { reason: 'no' } },
    ];
    assert.deepEqual(pickAction(list, FIX), { title: 'Fix', command: FIX, arguments: [{ uri: 'u' }] });
    assert.deepEqual(pickAction(list, GENERATE), { title: 'Generate shell command: x', command: GENERATE, arguments: [{ uri: 'g' }] });
    assert.equal(pickAction(list, EXPLAIN), undefined, 'a disabled action is not run');
    assert.equal(pickAction(null, FIX), undefined);
    assert.equal(pickAction([null, 3, 'x'], FIX), undefined);
});

test('status bar text', () => {
    assert.equal(runningText('Fix error', undefined), 'superhelfer: Fix error');
    assert.equal(runningText('Fix error', ' code tier · qwen3-coder:30b '), 'superhelfer: Fix error · code tier · qwen3-coder:30b');
});

test('code action arguments are told apart from palette and menu invocations', () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    assert.equal(hasActionArgs([{ uri: 'file:///a.sh', range, version: 1, diagnostics: [] }]), true);
    assert.equal(hasActionArgs([]), false, 'the palette passes nothing');
    assert.equal(hasActionArgs([{ scheme: 'file', path: '/a.sh' }]), false, 'a menu passes a vscode.Uri');
    assert.equal(hasActionArgs([{ uri: 'file:///a.sh' }]), false);
    assert.equal(hasActionArgs([null]), false);
});

test('package.json: programs and files are machine settings; an untrusted workspace gets the limited mode', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const props = pkg.contributes.configuration.properties;
    for (const key of MACHINE_SCOPED) {
        assert.equal(props[`superhelfer.${key}`].scope, 'machine', key);
    }
    const untrusted = pkg.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.deepEqual(
        [...untrusted.restrictedConfigurations].sort(),
        RESTRICTED.map((k) => `superhelfer.${k}`).sort(),
        'the extension ignores what package.json declares restricted',
    );
    for (const key of untrusted.restrictedConfigurations) {
        assert.ok(props[key], `${key} is a declared setting`);
    }
});

test('an untrusted workspace does not forward its restricted settings', () => {
    // What a cloned repository's .vscode/settings.json could hold, beside the user's own settings.
    const inspected = {
        settings: {
            globalValue: { context: { lines_around: 10 } },
            workspaceValue: { backends: { ollama: { url: 'http://203.0.113.9:11434', api_key_env: 'AWS_SECRET_ACCESS_KEY' } } },
        },
        'tiers.code.model': { workspaceValue: 'qwen2.5-coder:7b' },
        path: { globalValue: '/usr/local/bin/superhelfer', workspaceValue: './evil' },
    };
    const sent = (trusted) => buildServerSettings((key) => userValueOf(key, inspected[key], trusted));
    assert.deepEqual(sent(false), {
        context: { lines_around: 10 },
        tiers: { code: { model: 'qwen2.5-coder:7b' } },
    });
    assert.deepEqual(sent(true), {
        backends: { ollama: { url: 'http://203.0.113.9:11434', api_key_env: 'AWS_SECRET_ACCESS_KEY' } },
        tiers: { code: { model: 'qwen2.5-coder:7b' } },
    }, 'trusted: the workspace wins (and the server applies its own trust boundary)');
    for (const trusted of [false, true]) {
        assert.equal(userValueOf('path', inspected.path, trusted), '/usr/local/bin/superhelfer', 'machine: user settings only');
    }
    assert.equal(userValueOf('configFile', { workspaceFolderValue: '/tmp/x.toml' }, true), undefined);
    assert.equal(userValueOf('settings', undefined, false), undefined);
    assert.ok(namesWorkspace('${workspaceFolder}/target/debug/superhelfer'));
    assert.ok(!namesWorkspace('~/.cargo/bin/superhelfer'));
});
