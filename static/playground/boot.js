// Starts GraphiQL (its UMD build, inlined before this script with React's) on the page's own URL,
// with the operation, variables and headers the gateway put in #playground-settings.
"use strict";
(function boot() {
  const settings = JSON.parse(document.getElementById("playground-settings").textContent);
  // The page is served at the GraphQL endpoint itself: POST to the same URL, without its query.
  const post = GraphiQL.createFetcher({ url: window.location.origin + window.location.pathname });
  const pageHeaders = JSON.parse(settings.headers);
  // GraphiQL fetches the schema before its headers editor exists, so without headers: that one
  // request carries the page's (the gateway wants a key for introspection too).
  const fetcher = (params, options) =>
    params.operationName === "IntrospectionQuery" && !(options && options.headers)
      ? post(params, Object.assign({}, options, { headers: pageHeaders }))
      : post(params, options);
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher,
      // Given as props, they open in the active tab even when GraphiQL restores earlier tabs.
      query: settings.query,
      variables: settings.variables,
      headers: settings.headers,
      defaultHeaders: settings.headers,
      // Headers stay out of localStorage: they hold an API key.
      shouldPersistHeaders: false,
      defaultEditorToolsVisibility: true,
    }),
  );
})();
