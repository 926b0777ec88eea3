// Ghost text: the server's `textDocument/inlineCompletion` (LSP 3.18) shown through VS Code's
// inline completion API. vscode-languageclient 9.0.1 predates the request, so this file
// advertises the capability itself and forwards the request; the server decides what to
// offer (nothing for a dangerous command or a load that would need consent).

import * as vscode from 'vscode';
import { ClientCapabilities, FeatureState, LanguageClient, StaticFeature } from 'vscode-languageclient/node';

export const INLINE_COMPLETION = 'textDocument/inlineCompletion';

interface WireRange {
    start: { line: number; character: number };
    end: { line: number; character: number };
}
interface WireItem {
    insertText: string;
    range?: WireRange;
}
type WireAnswer = WireItem[] | { items: WireItem[] } | null;

/** Tells the server that this client shows inline completions. */
export class GhostTextCapability implements StaticFeature {
    fillClientCapabilities(capabilities: ClientCapabilities): void {
        const textDocument = (capabilities.textDocument ?? {}) as Record<string, unknown>;
        textDocument.inlineCompletion = { dynamicRegistration: false };
        capabilities.textDocument = textDocument as ClientCapabilities['textDocument'];
    }
    getState(): FeatureState {
        return { kind: 'static' };
    }
    initialize(): void {}
    clear(): void {}
}

/** The items of an answer: an array or a list, none for `null`. */
export function itemsOf(answer: WireAnswer): WireItem[] {
    if (answer === null || answer === undefined) {
        return [];
    }
    return Array.isArray(answer) ? answer : (answer.items ?? []);
}

class GhostText implements vscode.InlineCompletionItemProvider {
    constructor(private readonly client: LanguageClient) {}

    async provideInlineCompletionItems(
        document: vscode.TextDocument,
        position: vscode.Position,
        context: vscode.InlineCompletionContext,
        token: vscode.CancellationToken,
    ): Promise<vscode.InlineCompletionItem[] | undefined> {
        const c = this.client;
        const params = {
            textDocument: { uri: c.code2ProtocolConverter.asUri(document.uri) },
            position: c.code2ProtocolConverter.asPosition(position),
            // LSP: 1 invoked, 2 automatic; VS Code: Invoke 0, Automatic 1.
            context: { triggerKind: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke ? 1 : 2 },
        };
        let answer: WireAnswer;
        try {
            // The token's cancellation becomes `$/cancelRequest`: typing closes the model's stream.
            answer = await c.sendRequest<WireAnswer>(INLINE_COMPLETION, params, token);
        } catch {
            return undefined;
        }
        return itemsOf(answer).map(
            (i) =>
                new vscode.InlineCompletionItem(
                    i.insertText,
                    i.range === undefined ? undefined : c.protocol2CodeConverter.asRange(i.range),
                ),
        );
    }
}

/** Registers the provider when the server offers inline completion; `undefined` otherwise. */
export function registerGhostText(
    client: LanguageClient,
    selector: vscode.DocumentSelector,
): vscode.Disposable | undefined {
    const offered = (client.initializeResult?.capabilities as Record<string, unknown> | undefined)
        ?.inlineCompletionProvider;
    if (offered === undefined || offered === false) {
        return undefined;
    }
    return vscode.languages.registerInlineCompletionItemProvider(selector, new GhostText(client));
}
