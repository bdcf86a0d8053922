-- Citizen sign-in: rate-limit counters shared by every process, and the first privacy notices.

-- Fixed-window counters ("5 codes per phone number per 15 minutes"). The bucket names a limit
-- and a keyed hash of what is limited (a blind index or an IP address), never a clear value.
CREATE TABLE rate_limit_counters (
  bucket        text NOT NULL,
  window_start  timestamptz NOT NULL,
  hits          integer NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limit_counters_expiry ON rate_limit_counters (expires_at);

-- Verify attempts look up the newest challenge of one destination and purpose.
CREATE INDEX otp_challenges_lookup ON otp_challenges (destination_bidx, channel, purpose, created_at);
-- WebAuthn challenges are found by their value (it comes back inside clientDataJSON).
CREATE UNIQUE INDEX webauthn_challenges_challenge ON webauthn_challenges (challenge);
CREATE INDEX webauthn_challenges_expiry ON webauthn_challenges (expires_at);
-- "Who accessed my data" reads the audit log by person and time (audit_log_person), and
-- consents are read per citizen and kind (consents_citizen): both exist already.

INSERT INTO privacy_notices (kind, version, title_zh, title_en, body_zh, body_en, published_at) VALUES
  ('privacy', 1, '个人信息保护政策', 'Privacy notice',
   '一城通（OneCity）为向您提供政务服务而处理您的个人信息：姓名、身份证号码、手机号码、电子邮箱和地址。身份证号码和手机号码加密存储，仅以脱敏形式显示；各部门工作人员每次查阅您的个人信息都会被记录，您可以在“我的数据”中查看是谁、为何查阅。您可以随时导出您的全部数据或撤回同意。',
   'OneCity processes your personal data — name, national ID number, phone number, e-mail and address — to provide government services. ID and phone numbers are stored encrypted and shown masked; every time a department''s staff read your personal data it is recorded, and "My data" shows you who read it and why. You can export all your data or withdraw your consent at any time.',
   '2026-01-01T00:00:00Z'),
  ('location', 1, '位置信息使用说明', 'Use of your location',
   '当您上报城市问题或查找附近服务时，一城通会使用您设备提供的位置，以确定所在区、街道和网格并派发给负责部门。位置仅用于该次上报或查询。您可以随时撤回此项同意，撤回后需手动选择地点。',
   'When you report a problem in the city or look for services nearby, OneCity uses the location your device provides to find the district, street and grid and to route it to the responsible department. The location is used only for that report or search. You can withdraw this consent at any time; you will then pick places by hand.',
   '2026-01-01T00:00:00Z'),
  ('biometric', 1, '刷脸登录（通行密钥）说明', 'Face sign-in (passkeys)',
   '刷脸登录使用您设备上的通行密钥：人脸或指纹只在您的设备上比对，一城通只保存通行密钥的公钥，从不接收您的人脸或指纹信息。撤回此项同意后，通行密钥登录和新增通行密钥将立即停止，您仍可使用短信或邮箱验证码登录。',
   'Face sign-in uses a passkey on your device: your face or fingerprint is matched only on your device, and OneCity keeps only the passkey''s public key, never your face or fingerprint. When you withdraw this consent, passkey sign-in and adding passkeys stop at once; you can still sign in with a code sent by SMS or e-mail.',
   '2026-01-01T00:00:00Z')
ON CONFLICT (kind, version) DO NOTHING;
