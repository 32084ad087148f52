// Boots GraphiQL (window.GraphiQL, React 18 UMD) for the Loop Health supergraph. Queries and
// mutations go over HTTP to this page's own URL; subscriptions go over graphql-ws
// (window.graphqlWs) to the same path, with the authorization from the Headers pane as the
// connection_init payload ({ authorization: "Bearer <token>" }). No build step: plain ES2019.
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('playground-config').textContent);
  var endpoint = window.location.pathname;
  var wsUrl = (window.location.protocol === 'https:' ? 'wss://' : 'ws://') + window.location.host + endpoint;

  /** The Headers pane's values, without the unfilled `Bearer <paste a token…>` placeholder. */
  function editorHeaders(fetcherOpts) {
    var headers = Object.assign({}, (fetcherOpts && fetcherOpts.headers) || {});
    Object.keys(headers).forEach(function (name) {
      if (name.toLowerCase() === 'authorization' && /</.test(String(headers[name]))) delete headers[name];
    });
    return headers;
  }

  function authorizationOf(headers) {
    var names = Object.keys(headers);
    for (var i = 0; i < names.length; i++) {
      if (names[i].toLowerCase() === 'authorization' && headers[names[i]] != null) return String(headers[names[i]]);
    }
    return undefined;
  }

  function isSubscription(params, fetcherOpts) {
    var doc = fetcherOpts && fetcherOpts.documentAST;
    if (!doc) return /^\s*subscription\b/m.test(params.query.replace(/#[^\n]*/g, ''));
    var operations = doc.definitions.filter(function (d) {
      return d.kind === 'OperationDefinition';
    });
    var operation = params.operationName
      ? operations.find(function (d) {
          return d.name && d.name.value === params.operationName;
        })
      : operations[0];
    return Boolean(operation && operation.operation === 'subscription');
  }

  var CLOSE_HINTS = {
    4401: 'Put {"authorization": "Bearer <token>"} in the Headers pane (mint one with `npm run -s token -- --role admin`).',
    4403: 'The token is valid but may not subscribe to this.',
  };

  /** A graphql-ws sink error (a CloseEvent, a socket error Event or an Error) as a GraphQL-style error. */
  function describe(error) {
    if (error && typeof error.code === 'number' && 'reason' in error) {
      var message = 'WebSocket closed with ' + error.code + (error.reason ? ': ' + error.reason : '');
      if (CLOSE_HINTS[error.code]) message += '. ' + CLOSE_HINTS[error.code];
      return { message: message, extensions: { closeCode: error.code } };
    }
    if (error && error.type === 'error') return { message: 'Could not open a WebSocket to ' + wsUrl };
    return { message: error && error.message ? error.message : String(error) };
  }

  /** One graphql-ws client per subscription run: its connection_init carries that run's headers. */
  function subscribe(params, headers) {
    return {
      subscribe: function (observer) {
        var authorization = authorizationOf(headers);
        var client = window.graphqlWs.createClient({
          url: wsUrl,
          connectionParams: authorization ? { authorization: authorization } : {},
          lazy: true,
          retryAttempts: 3,
        });
        var done = false;
        var finish = function () {
          if (done) return;
          done = true;
          if (dispose) dispose();
          client.dispose();
        };
        var dispose = client.subscribe(
          { query: params.query, variables: params.variables, operationName: params.operationName || undefined },
          {
            next: function (result) {
              observer.next(result);
            },
            error: function (error) {
              if (done) return;
              // An `error` message carries the operation's GraphQL errors; anything else ended the socket.
              observer.next({ errors: Array.isArray(error) ? error : [describe(error)] });
              observer.complete();
              finish();
            },
            complete: function () {
              if (done) return;
              observer.complete();
              finish();
            },
          },
        );
        return { unsubscribe: finish };
      },
    };
  }

  var httpFetcher = window.GraphiQL.createFetcher({ url: endpoint });

  function fetcher(params, fetcherOpts) {
    var headers = editorHeaders(fetcherOpts);
    if (isSubscription(params, fetcherOpts)) return subscribe(params, headers);
    return httpFetcher(params, Object.assign({}, fetcherOpts, { headers: headers }));
  }

  var root = window.ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    window.React.createElement(
      window.GraphiQL,
      {
        fetcher: fetcher,
        defaultHeaders: config.defaultHeaders,
        defaultTabs: config.tabs.map(function (tab) {
          return { query: tab.query, variables: tab.variables, headers: config.defaultHeaders };
        }),
        defaultEditorToolsVisibility: 'headers',
        isHeadersEditorEnabled: true,
        // Tokens stay out of localStorage; a reload brings back the placeholder.
        shouldPersistHeaders: false,
        storage: window.GraphiQL.createLocalStorage({ namespace: config.storageNamespace }),
      },
      window.React.createElement(window.GraphiQL.Logo, null, 'Loop Health'),
    ),
  );
})();
