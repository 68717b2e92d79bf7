import { QUEUES, SEARCH_INDEX_QUEUE, sharedQueueArguments } from './topology';

describe('sharedQueueArguments', () => {
  it('bounds redelivery of work messages, then dead-letters them', () => {
    expect(sharedQueueArguments(QUEUES.executor)).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 5,
      'x-dead-letter-exchange': 'cyborg.dead-letter',
      'x-dead-letter-routing-key': 'cyborg.executor',
    });
  });

  it('never limits the deliveries of job output, which its consumers retry in place', () => {
    for (const queue of [QUEUES.callbackReceiver, SEARCH_INDEX_QUEUE]) {
      expect(sharedQueueArguments(queue)).not.toHaveProperty('x-delivery-limit');
    }
  });
});
