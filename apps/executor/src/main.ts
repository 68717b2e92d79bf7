import { EXECUTOR_QUEUES, ExecutorModule } from '@cyborg/executor';
import { runProcess } from '@cyborg/runtime';

runProcess({ name: 'executor', modules: [ExecutorModule], queues: EXECUTOR_QUEUES });
