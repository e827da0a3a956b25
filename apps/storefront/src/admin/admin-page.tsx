import { useRoute } from 'preact-iso';
import { isStaff, useProfile } from '../shop-context';
import { signedInPage } from '../shop/require-sign-in';
import { Page } from '../ui/page';
import { ProductsAdmin } from './products-admin';
import { ReportsAdmin } from './reports-admin';

/**
 * The admin panel, for ADMIN and MANAGER (the role comes from `GET /users/me`). A route of the
 * storefront, in a chunk of its own: shoppers never download it, and staff sign in once.
 * The API checks every role again; hiding a button is only a courtesy.
 */
export const AdminPage = signedInPage('Admin', Admin);

function Admin() {
  const { profile, loading } = useProfile();
  const { params } = useRoute();
  const section = params['section'] === 'reports' ? 'reports' : 'products';
  if (loading) return <Page title="Admin"><p aria-busy="true">Checking your role…</p></Page>;
  if (!profile || !isStaff(profile)) {
    return (
      <Page title="Admin">
        <p>This part of the shop is for its staff: an ADMIN or MANAGER account.</p>
      </Page>
    );
  }
  return (
    <Page title={section === 'reports' ? 'Reports' : 'Manage products'} wide>
      <nav class="tabs" aria-label="Admin">
        <a href="/admin" aria-current={section === 'products' ? 'page' : undefined}>
          Products
        </a>
        <a href="/admin/reports" aria-current={section === 'reports' ? 'page' : undefined}>
          Reports
        </a>
      </nav>
      <p class="small">
        Signed in as {profile.name} ({profile.role}).
      </p>
      {section === 'reports' ? <ReportsAdmin /> : <ProductsAdmin role={profile.role} />}
    </Page>
  );
}
