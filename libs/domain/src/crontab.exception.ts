export class CrontabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = CrontabError.name;
  }
}
