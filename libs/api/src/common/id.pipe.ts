import { Injectable, NotFoundException, PipeTransform } from '@nestjs/common';

/** Object ids in paths; anything but a positive integer names no object, so 404. */
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > 2_147_483_647) {
      throw new NotFoundException('Not found.');
    }

    return Number(value);
  }
}
