// Tiny helpers for building the DOM safely: every value goes through textContent or escaping.
export function escape(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function section(title: string, testId: string): { root: HTMLElement; body: HTMLElement } {
  const root = document.createElement('section');
  root.className = 'card';
  root.dataset.testid = testId;
  root.innerHTML = `<h2>${escape(title)}</h2><div class="body"></div>`;
  return { root, body: root.querySelector('.body') as HTMLElement };
}

export const formatDate = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }) : '—');
export const humanize = (value: string) => value.toLowerCase().replace(/_/g, ' ');
