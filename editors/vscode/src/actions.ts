// The server's commands and the choice among its code actions. No `vscode` import here:
// the Node tests load this module directly.

export const GENERATE = 'superhelfer.generateCommand';
export const FIX = 'superhelfer.fixError';
export const EXPLAIN = 'superhelfer.explain';
export const ASK = 'superhelfer.ask';
export const STATUS = 'superhelfer.status';
export const ASK_AGAIN = 'superhelfer.askAgain';

/** Commands the server runs; the language client registers them under the same ids. */
export const SERVER_COMMANDS = [GENERATE, FIX, EXPLAIN, ASK, STATUS, ASK_AGAIN] as const;

/** What each command shows while it runs. */
export const TITLES: Record<string, string> = {
    [GENERATE]: 'Generate shell command',
    [FIX]: 'Fix error',
    [EXPLAIN]: 'Explain selection',
    [ASK]: 'Ask',
    [STATUS]: 'Status',
    [ASK_AGAIN]: 'Ask again with a bigger model',
};

/** What the user is told when the palette finds no matching action at the cursor. */
export const NOTHING_HERE: Record<string, string> = {
    [GENERATE]:
        'No request on this line: write a comment that says what the command should do (in a shell script, Dockerfile, Makefile or a shell block in Markdown).',
    [FIX]: 'No diagnostic at the cursor to fix.',
    [EXPLAIN]: 'Select something to explain.',
    [ASK_AGAIN]: 'Nothing to ask again in this file yet: explain a selection or ask a question first.',
};

/** An LSP `Command`, or the part of a `CodeAction` that matters here. */
export interface ServerCommand {
    title: string;
    command: string;
    arguments?: unknown[];
}

interface ActionLike {
    title?: unknown;
    command?: unknown;
    arguments?: unknown;
    disabled?: unknown;
}

function asCommand(v: unknown): ServerCommand | undefined {
    if (typeof v !== 'object' || v === null) {
        return undefined;
    }
    const a = v as ActionLike;
    if (typeof a.command === 'string') {
        return {
            title: typeof a.title === 'string' ? a.title : a.command,
            command: a.command,
            arguments: Array.isArray(a.arguments) ? a.arguments : undefined,
        };
    }
    if (a.disabled !== undefined) {
        return undefined;
    }
    return asCommand(a.command);
}

/**
 * The first action in a `textDocument/codeAction` answer (commands and code actions
 * mixed) that runs `command`; disabled actions do not count.
 */
export function pickAction(list: unknown, command: string): ServerCommand | undefined {
    if (!Array.isArray(list)) {
        return undefined;
    }
    for (const item of list) {
        const c = asCommand(item);
        if (c !== undefined && c.command === command) {
            return c;
        }
    }
    return undefined;
}

/** The prefix of the progress tokens the extension sends with its commands. */
export const OWN_TOKEN_PREFIX = 'vscode-';

/** A `$/progress` value as the status bar shows it. */
export interface ProgressValue {
    kind: 'begin' | 'report' | 'end';
    title?: string;
    message?: string;
}

/** The status bar text for a running command: its title and the latest progress message. */
export function runningText(title: string, message: string | undefined): string {
    const m = (message ?? '').trim();
    return m === '' ? `superhelfer: ${title}` : `superhelfer: ${title} · ${m}`;
}

/**
 * Whether a command's arguments are the server's `{uri, range, ...}` (from a code action)
 * rather than nothing or whatever a menu or keybinding passes (from the palette or keys).
 */
export function hasActionArgs(args: unknown[]): boolean {
    const first = args[0];
    if (typeof first !== 'object' || first === null) {
        return false;
    }
    const a = first as { uri?: unknown; range?: unknown };
    return typeof a.uri === 'string' && typeof a.range === 'object' && a.range !== null;
}

/** An LSP range, as the server reads it. */
export interface LspRange {
    start: { line: number; character: number };
    end: { line: number; character: number };
}

/** The argument of `superhelfer.ask`, which no code action offers: the palette builds it. */
export function askArgs(uri: string, range: LspRange, version: number, question: string): unknown[] {
    return [{ uri, range, version, diagnostics: [], question: question.trim() }];
}
