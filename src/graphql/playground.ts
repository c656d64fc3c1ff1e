import type { ApolloServerPlugin } from "@apollo/server";
import { parse, print } from "graphql";
import { DEV_API_KEY } from "../auth/api-keys";
import type { GatewayConfig } from "../config/types";
import { EXAMPLE_REQUEST } from "../dev/example";
import {
  fillMarker,
  inlineScript,
  inlineStyle,
  jsonForScriptElement,
  landingPagePlugin,
  readPackageFile,
  readStatic,
} from "./static-page";

/** What the playground opens with. */
export interface PlaygroundSettings {
  /** The operation, as GraphiQL shows it. */
  query: string;
  /** JSON text. */
  variables: string;
  /** JSON text. */
  headers: string;
}

/**
 * The README's example, and the development key when the gateway runs against its in-process
 * emulator (the only time that key is accepted); otherwise a placeholder for the caller's own.
 */
export function playgroundSettings(config: GatewayConfig): PlaygroundSettings {
  const key = config.mode === "development" && config.emulator ? DEV_API_KEY : "<your API key>";
  return {
    query: print(parse(EXAMPLE_REQUEST.query)),
    variables: JSON.stringify(EXAMPLE_REQUEST.variables, null, 2),
    headers: JSON.stringify({ Authorization: `Bearer ${key}` }, null, 2),
  };
}

/** The page's fixed parts: GraphiQL's UMD build with React 18's, its styles, the boot script. */
interface Assets {
  template: string;
  styles: string;
  scripts: ReturnType<typeof inlineScript>[];
}

let assets: Assets | undefined;

function loadAssets(): Assets {
  assets ??= {
    template: readStatic("playground/index.html"),
    styles: inlineStyle(readPackageFile("graphiql", "graphiql.min.css"), "graphiql.min.css"),
    scripts: [
      // React 19 ships no UMD build; GraphiQL 4's UMD build takes React 18's from globals.
      ["react", "umd/react.production.min.js"],
      ["react-dom", "umd/react-dom.production.min.js"],
      ["graphiql", "graphiql.min.js"],
    ]
      .map(([name, file]) => inlineScript(readPackageFile(name!, file!), `${name}/${file}`))
      .concat(inlineScript(readStatic("playground/boot.js"), "static/playground/boot.js")),
  };
  return assets;
}

/**
 * GraphiQL as one self-contained page: every script and style inline, fonts as data URLs, and a
 * Content-Security-Policy that lets the page load nothing and call nothing but the gateway itself.
 */
export function renderPlayground(settings: PlaygroundSettings): string {
  const { template, styles, scripts } = loadAssets();
  const policy = [
    "default-src 'none'",
    `script-src ${scripts.map((script) => script.source).join(" ")}`,
    // React and CodeMirror set inline styles; GraphiQL's fonts and icons are data URLs.
    "style-src 'unsafe-inline'",
    "font-src data:",
    "img-src data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  let html = fillMarker(
    template,
    "playground: content-security-policy",
    `<meta http-equiv="Content-Security-Policy" content="${policy}" />`,
  );
  html = fillMarker(html, "playground: styles", styles);
  html = fillMarker(
    html,
    "playground: settings",
    `<script id="playground-settings" type="application/json">${jsonForScriptElement(settings)}</script>`,
  );
  return fillMarker(html, "playground: scripts", scripts.map((script) => script.tag).join("\n"));
}

/**
 * The development landing page: an offline GraphiQL with the README's example loaded (instead of
 * Apollo Sandbox, which comes from a CDN).
 */
export function createPlaygroundPlugin(config: GatewayConfig): ApolloServerPlugin {
  const settings = playgroundSettings(config);
  return landingPagePlugin(() => renderPlayground(settings));
}
