// The borrower app's frame, laid out for phones: a title bar and one column. Pages are public shells;
// the client script (/ui/assets/m-<page>.js) reads the borrower's session from sessionStorage and
// fetches everything from the public API with the bearer token.
import type { Child } from 'hono/jsx';

export interface MobilePageProps {
  /** Which client script runs the page: /ui/assets/m-<page>.js. */
  page: string;
  title: string;
  /** Shows the back link to the borrower's loans. */
  back?: boolean;
  /** Values the script reads from the page (data-* attributes of <body>): ids from the address, never personal data. */
  data?: Record<string, string>;
  children?: Child;
}

export function MobileLayout({ page, title, back, data, children }: MobilePageProps) {
  const attributes = Object.fromEntries(Object.entries(data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="format-detection" content="telephone=no" />
        <title>{`${title} · 借款`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/ui/assets/m.css" />
        <script type="module" src={`/ui/assets/m-${page}.js`}></script>
      </head>
      <body class="m" data-page={page} {...attributes}>
        <header class="m-bar">
          {back ? (
            <a class="m-back" href="/m/loans" aria-label="返回我的借款">
              ‹ 我的借款
            </a>
          ) : null}
          <h1 class="m-title">{title}</h1>
          <button id="m-logout" type="button" class="m-link" hidden>
            退出
          </button>
        </header>
        <main id="m-main" class="m-main">
          <div id="m-notice" class="m-alert m-error" role="alert" hidden></div>
          {children}
        </main>
      </body>
    </html>
  );
}
