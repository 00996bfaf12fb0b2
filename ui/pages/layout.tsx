// The frame every page shares. Pages are public shells: the client script reads the session
// from sessionStorage, fills the role's navigation and fetches the data with the bearer token.
import type { Child } from 'hono/jsx';
import type { Permission } from '../../security/permissions.js';
import { zh, type LabelKey } from '../i18n.js';

export interface PageProps {
  /** Which client script runs the page: /ui/assets/<page>.js. */
  page: string;
  title: LabelKey;
  /** Permission the page's data needs; the client says so instead of failing on every call. */
  permission?: Permission;
  /** Chart.js for the dashboard. */
  charts?: boolean;
  children?: Child;
}

/** Text the client script translates: the Chinese is here from the start, so nothing flickers for most users. */
export function T({ k }: { k: LabelKey }) {
  return <span data-i18n={k}>{zh(k)}</span>;
}

export function Layout({ page, title, permission, charts, children }: PageProps) {
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title data-i18n-title={title}>{`${zh(title)} · ${zh('app.title')}`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/ui/assets/ui.css" />
        {charts ? <script defer src="/ui/assets/chart.umd.js"></script> : null}
        <script type="module" src={`/ui/assets/${page}.js`}></script>
      </head>
      <body data-page={page} data-permission={permission ?? ''}>
        <header class="topbar">
          <a class="brand" href="/">
            <T k="app.title" />
          </a>
          <nav id="nav" class="nav" aria-label="主导航"></nav>
          <div class="session">
            <span id="who" class="who"></span>
            <button id="lang-switch" type="button" class="link-button" data-i18n="lang.other">
              {zh('lang.other')}
            </button>
            <button id="logout" type="button" class="link-button" hidden>
              <T k="nav.logout" />
            </button>
          </div>
        </header>
        <main id="main" class="main">
          {children}
        </main>
      </body>
    </html>
  );
}
