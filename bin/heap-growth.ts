// HEAP_GROWTH_PERCENT: how far V8 lets this process's heap grow past what its last full garbage
// collection kept before it collects again. V8 reads the flag at each full collection, so set
// once at start it holds for the process's life; `auto` (null) leaves V8's adaptive choice.
import { setFlagsFromString } from 'node:v8';

export function applyHeapGrowth(percent: number | null): void {
  if (percent !== null) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
