import type { User } from '../accounts/repository.js';

interface NavItem {
  label: string;
  href: string;
  current: boolean;
  group?: string;
}

const ITEMS: { label: string; href: string; adminOnly: boolean; group?: string }[] = [
  { label: 'Dashboard', href: '/', adminOnly: false },
  { label: 'ONU', href: '/onus', adminOnly: false },
  { label: 'OLT', href: '/olts', adminOnly: false },
  { label: 'Event logs', href: '/events', adminOnly: false },
  { label: 'Integration', href: '/settings/integration', adminOnly: true, group: 'Settings' },
  { label: 'Users', href: '/users', adminOnly: true },
];

/** The side navigation for this user: items its role may not use are left out. */
export function navigationFor(user: User | null, url: string): NavItem[] {
  if (!user) return [];
  const path = url.split('?')[0]!;
  return ITEMS.filter((item) => !item.adminOnly || user.role === 'admin').map((item) => ({
    label: item.label,
    href: item.href,
    group: item.group,
    current: item.href === '/' ? path === '/' : path === item.href || path.startsWith(item.href + '/'),
  }));
}
