import { NotifierModule } from '@cyborg/notifier';
import { runProcess } from '@cyborg/runtime';

runProcess({ name: 'notifier', modules: [NotifierModule], queues: [] });
