// Chat with Luna: the message is sent with sendLunaMessage, and the answer streams in from the
// lunaResponse subscription (text deltas, tool calls, guardrail and emergency notices), ending
// with the stored reply.
import { LoopClient, LunaResponseDocument, SendLunaMessageDocument, type LunaResponseSubscription } from '../../../sdk';
import { escape, section } from '../html';

type LunaEvent = LunaResponseSubscription['lunaResponse'];

const TOOL_LABELS: Record<string, string> = {
  getPatientProfile: 'your profile',
  getLabResults: 'your lab results',
  getProtocols: 'your protocols',
  getWearableInsights: 'your wearable data',
  searchContent: 'the Loop Health library',
};

export function chatView(client: LoopClient): HTMLElement {
  const { root, body } = section('Ask Luna', 'chat');
  root.classList.add('chat');
  body.innerHTML = `
    <div class="messages" data-testid="messages"></div>
    <form><input name="message" placeholder="Ask about your labs, protocols or sleep…" autocomplete="off" maxlength="4000" required />
    <button type="submit">Send</button></form>`;
  const messages = body.querySelector('.messages') as HTMLElement;
  const form = body.querySelector('form') as HTMLFormElement;
  const input = form.querySelector('input') as HTMLInputElement;
  const button = form.querySelector('button') as HTMLButtonElement;
  let conversationId: string | undefined;
  let stopStream: (() => void) | undefined;

  const bubble = (role: 'user' | 'assistant', text: string) => {
    const element = document.createElement('div');
    element.className = `message ${role}`;
    element.textContent = text;
    messages.append(element);
    messages.scrollTop = messages.scrollHeight;
    return element;
  };
  /** A line about the turn (a lookup, a safety notice), shown above the reply it belongs to. */
  const notice = (before: HTMLElement | null, text: string, kind = '') => {
    const element = document.createElement('div');
    element.className = `notice ${kind}`;
    element.innerHTML = escape(text);
    messages.insertBefore(element, before);
  };

  /** Renders one turn's events into its reply bubble; resolves when the turn ends. */
  const follow = (id: string, turnId: string) =>
    new Promise<void>((resolve) => {
      const reply = bubble('assistant', '');
      reply.dataset.testid = 'luna-reply';
      reply.dataset.state = 'streaming';
      let deltas = 0;
      stopStream?.();
      stopStream = client.subscribe(LunaResponseDocument, { conversationId: id }, {
        next: ({ lunaResponse: event }: { lunaResponse: LunaEvent }) => {
          if (event.turnId !== turnId) return; // an earlier turn replayed to a new subscriber
          switch (event.__typename) {
            case 'LunaTextDelta':
              reply.textContent += event.text;
              reply.dataset.deltas = String(++deltas);
              break;
            case 'LunaToolCallStarted':
              notice(reply, `Looking up ${TOOL_LABELS[event.name] ?? event.name}…`);
              break;
            case 'LunaGuardrailNotice':
              if (event.action === 'blocked') reply.textContent = '';
              notice(reply, `Safety check (${event.check}) ${event.action} part of the answer.`);
              break;
            case 'LunaEmergencyNotice':
              notice(reply, `Emergency: call ${event.emergencyNumber} now.${event.crisisLine ? ` Crisis line: ${event.crisisLine}.` : ''}`, 'emergency');
              break;
            case 'LunaTurnDone':
              reply.textContent = event.message.content;
              reply.dataset.state = 'done';
              resolve();
              break;
            case 'LunaTurnError':
              reply.textContent = `Luna could not answer (${event.code}). Your message is saved; please try again.`;
              reply.dataset.state = 'error';
              resolve();
              break;
          }
        },
        error: (error) => {
          reply.dataset.state = 'error';
          reply.textContent = `The answer stream failed: ${error.message}`;
          resolve();
        },
      });
    });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    button.disabled = true;
    bubble('user', text);
    try {
      const { sendLunaMessage: receipt } = await client.request(SendLunaMessageDocument, { conversationId, message: text });
      conversationId = receipt.conversation.id;
      await follow(receipt.conversation.id, receipt.reply.id);
    } catch (error) {
      notice(null, `Not sent: ${(error as Error).message}`);
    } finally {
      button.disabled = false;
      input.focus();
    }
  });
  return root;
}
