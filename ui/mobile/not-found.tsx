import { MobileLayout } from './layout.js';

export function MobileNotFoundPage() {
  return (
    <MobileLayout page="not-found" title="页面不存在" back>
      <p class="m-card">您要找的页面不存在。</p>
    </MobileLayout>
  );
}
