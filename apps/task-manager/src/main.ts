import { runProcess } from '@cyborg/runtime';
import { TASK_MANAGER_QUEUES, TaskManagerModule } from '@cyborg/task-manager';

runProcess({ name: 'task-manager', modules: [TaskManagerModule], queues: TASK_MANAGER_QUEUES });
