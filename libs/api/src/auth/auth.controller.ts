import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { ObtainTokenDto, RefreshTokenDto } from './auth.dto';
import { Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { TokenPair, TokenService } from './token.service';

@ApiTags('auth')
@Controller('api/token')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: TokenService,
  ) {}

  @Public()
  @Post('obtain')
  @HttpCode(200)
  obtain(@Body() body: ObtainTokenDto, @Ip() ip: string): Promise<TokenPair> {
    return this.auth.login(body.email, body.password, ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: RefreshTokenDto): Promise<TokenPair> {
    return this.tokens.refresh(body.refresh);
  }
}
