import { Inject, Injectable } from '@nestjs/common';

import { APP_CONFIG, AppConfig } from '@cyborg/config';
import { SecretBox } from '@cyborg/crypto';
import { ENCRYPTED_PLACEHOLDER } from '@cyborg/domain';

/** Turns secrets sent to the API into their stored, encrypted form. */
@Injectable()
export class SecretsService {
  private readonly box: SecretBox;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.box = new SecretBox(config.secretKey);
  }

  /**
   * The value to store for a secret field: unchanged when the field was not
   * sent or was sent back as the placeholder, empty when cleared, else encrypted.
   */
  seal(incoming: string | undefined, stored: string): string | undefined {
    if (incoming === undefined || incoming === ENCRYPTED_PLACEHOLDER) return stored;
    if (incoming === '') return '';

    return this.box.encrypt(incoming);
  }

  /** Encrypts a value the caller has already decided to store. */
  encrypt(plain: string): string {
    return this.box.encrypt(plain);
  }

  open(stored: string): string {
    return stored === '' ? '' : this.box.decrypt(stored);
  }
}
