// Who is signed in. In production a Clerk session supplies the token; this dashboard takes one
// from the URL fragment (#token=…, never sent to a server or written to logs), keeps it for the
// tab's session, and otherwise asks for one (mint it with `npm run -s token -- --role customer`).
const KEY = 'loop-health-token';

export function takeTokenFromUrl(): string | null {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (token) {
    sessionStorage.setItem(KEY, token);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(KEY);
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  location.reload();
}

export function signInForm(container: HTMLElement, onToken: (token: string) => void): void {
  container.innerHTML = `
    <section class="card sign-in">
      <h2>Sign in</h2>
      <p>Paste a session token (development: <code>npm run -s token -- --role customer</code>).</p>
      <form><textarea name="token" rows="4" required></textarea><button type="submit">Sign in</button></form>
    </section>`;
  container.querySelector('form')!.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = (container.querySelector('textarea') as HTMLTextAreaElement).value.trim();
    if (!token) return;
    sessionStorage.setItem(KEY, token);
    onToken(token);
  });
}
