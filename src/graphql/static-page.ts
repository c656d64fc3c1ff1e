import { repositoryPath } from "../lib/repository";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ApolloServerPlugin } from "@apollo/server";

/**
 * What Apollo answers a browser's `GET /graphql` (`Accept: text/html`) with; every other request
 * keeps Apollo's handling (content negotiation, CSRF prevention).
 */
export function landingPagePlugin(render: () => string): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return { renderLandingPage: async () => ({ html: render() }) };
    },
  };
}

/** The text of a file in the repository's `static/` folder, from `src/` or `dist/src/`. */
export function readStatic(name: string): string {
  return readFileSync(join(repositoryPath("static", __dirname), name), "utf8");
}

/** The text of a file an npm package ships (`file` relative to the package's folder). */
export function readPackageFile(packageName: string, file: string): string {
  return readFileSync(join(dirname(require.resolve(`${packageName}/package.json`)), file), "utf8");
}

/** A script to put inline in a page, and its hash for the page's `script-src`. */
export interface InlineScript {
  tag: string;
  /** `'sha256-…'`, as a Content-Security-Policy source. */
  source: string;
}

/**
 * Inlines a script: its source map comment goes (the map is not served). A script the HTML parser
 * would end early is refused: one holding `</script`, or `<!--` and `<script` (which together
 * make the parser skip the real end tag).
 */
export function inlineScript(code: string, what: string): InlineScript {
  const body = code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
  if (/<\/script/i.test(body) || (body.includes("<!--") && /<script/i.test(body)))
    throw new Error(`${what} cannot be inlined in a page: the HTML parser would end it early`);
  const hash = createHash("sha256").update(body, "utf8").digest("base64");
  return { tag: `<script>${body}</script>`, source: `'sha256-${hash}'` };
}

/** A style sheet to put inline in a page. */
export function inlineStyle(css: string, what: string): string {
  const body = css.replace(/\/\*# sourceMappingURL=\S+\s*\*\/\s*$/, "");
  if (/<\/style/i.test(body))
    throw new Error(`${what} cannot be inlined in a page: it contains </style>`);
  return `<style>${body}</style>`;
}

/** JSON for a `<script type="application/json">` element: no `<` can close it early. */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** Replaces the marker comment `<!-- NAME -->` of a page template, which must be there once. */
export function fillMarker(template: string, name: string, content: string): string {
  const marker = `<!-- ${name} -->`;
  const at = template.indexOf(marker);
  if (at === -1 || template.indexOf(marker, at + 1) !== -1)
    throw new Error(`the page template must hold the marker ${marker} exactly once`);
  return template.slice(0, at) + content + template.slice(at + marker.length);
}
