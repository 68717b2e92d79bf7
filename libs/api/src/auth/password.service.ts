import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** Hashes passwords with argon2id at the library's recommended cost. */
@Injectable()
export class PasswordService {
  /** Verified when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password. */
  private decoy: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  async verify(hash: string | null, password: string): Promise<boolean> {
    if (hash === null) {
      this.decoy ??= this.hash('decoy password');
      await argon2.verify(await this.decoy, password);

      return false;
    }
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }
}
