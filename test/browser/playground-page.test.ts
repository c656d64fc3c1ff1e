import "reflect-metadata";
import { createHash } from "node:crypto";
import { DEV_API_KEY } from "../../src/auth/api-keys";
import { loadConfig } from "../../src/config/load";
import { playgroundSettings, renderPlayground } from "../../src/graphql/playground";
import { inlineScript } from "../../src/graphql/static-page";

describe("the playground page", () => {
  const config = loadConfig({ GATEWAY_DATA_DIR: "memory://" });

  it("carries the development key only when the gateway runs against its emulator", () => {
    expect(config.emulator).toBe(true);
    expect(JSON.parse(playgroundSettings(config).headers)).toEqual({
      Authorization: `Bearer ${DEV_API_KEY}`,
    });
    const withApps = { ...config, emulator: false };
    expect(JSON.parse(playgroundSettings(withApps).headers)).toEqual({
      Authorization: "Bearer <your API key>",
    });
    // Not toContain: a failure would print the whole 1.6 MB page.
    expect(renderPlayground(playgroundSettings(withApps)).includes(DEV_API_KEY)).toBe(false);
  });

  it("loads nothing from elsewhere: every script and style is inline", () => {
    const html = renderPlayground(playgroundSettings(config));
    expect(html.match(/<(script|link|img|iframe)\b[^>]*\b(src|href)=[^>]*>/gi)).toEqual([
      '<link rel="icon" href="data:," />',
    ]);
    expect(html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)"/)?.[1]).toMatch(
      /^default-src 'none'; script-src( 'sha256-[^']+'){4}; style-src 'unsafe-inline'; font-src data:; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'$/,
    );
  });
});

describe("inlineScript", () => {
  it("refuses a script the HTML parser would end early, and hashes the one it inlines", () => {
    expect(() => inlineScript('const end = "</script>";', "end.js")).toThrow(
      "end.js cannot be inlined in a page: the HTML parser would end it early",
    );
    expect(() => inlineScript('const a = "<!--", b = "<script>";', "escape.js")).toThrow(
      "escape.js cannot be inlined in a page: the HTML parser would end it early",
    );
    // React DOM holds `"<script>\x3c/script>"`, harmless without `<!--`.
    expect(
      inlineScript('x.innerHTML = "<script>\\x3c/script>";\n//# sourceMappingURL=x.map', "ok"),
    ).toEqual({
      tag: '<script>x.innerHTML = "<script>\\x3c/script>";\n</script>',
      source: `'sha256-${createHash("sha256").update('x.innerHTML = "<script>\\x3c/script>";\n').digest("base64")}'`,
    });
  });
});
