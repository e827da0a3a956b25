import { Page } from '../ui/page';

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>
        There is no page here. <a href="/">Browse the products</a>.
      </p>
    </Page>
  );
}
