import { CallbackReceiverModule } from '@cyborg/callback-receiver';
import { runProcess } from '@cyborg/runtime';

runProcess({ name: 'callback-receiver', modules: [CallbackReceiverModule], queues: [] });
