import { SchedulerModule } from '@cyborg/scheduler';
import { runProcess } from '@cyborg/runtime';

runProcess({ name: 'scheduler', modules: [SchedulerModule], queues: [] });
