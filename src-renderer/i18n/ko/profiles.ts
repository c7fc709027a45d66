/** 프로필: 전환, 관리, MFA 입력, 오프라인 스냅샷. 키는 en/profiles.ts와 정확히 같아야 합니다. */
import type en from '../en/profiles'

const ko: typeof en = {
  profile: {
    label: '프로필',
    switch: '프로필 전환',
    region: '리전',
    noRegion: '리전 없음 (us-east-1)',
    mfa: 'MFA',
    problem: '사용할 수 없음',
    kinds: {
      sandbox: '샌드박스',
      static: '액세스 키',
      session: '세션 키',
      sso: 'SSO',
      'assume-role': '역할 전환',
      process: 'credential_process',
      'web-identity': '웹 자격 증명',
      env: '환경 변수',
      app: '하늘 프로필',
      invalid: '잘못된 프로필',
    },
  },
  profiles: {
    manage: '프로필 관리…',
    title: '프로필',
    kind: '종류',
    add: '하늘 프로필 추가',
    addTitle: '새 하늘 프로필 (키는 OS 키체인에 보관)',
    editTitle: '"{name}" 편집',
    accessKeyId: '액세스 키 ID',
    secret: '비밀 액세스 키',
    sessionToken: '세션 토큰 (선택)',
    endpoint: '사용자 지정 S3 엔드포인트 (선택)',
    otherEndpoints: '다른 서비스의 사용자 지정 엔드포인트 (선택: LocalStack, 프록시 등)',
    pathStyle: '경로 방식 주소 (MinIO, Ceph 등 대부분의 S3 호환 저장소)',
    keepKeys: '비워 두면 현재 키를 유지합니다',
    weakStorage:
      '이 시스템에는 키체인이 없습니다 (Electron 백엔드 "{backend}"). 저장된 비밀 키를 파일을 읽을 수 있는 누구나 볼 수 있습니다. 안전하게 보관하려면 gnome-keyring이나 KWallet을 설치하세요.',
    acceptWeak: '위험을 이해했으며 그래도 키를 저장합니다',
    added: '"{name}"을(를) 추가했습니다.',
    saved: '"{name}"을(를) 저장했습니다.',
    removed: '"{name}"을(를) 삭제했습니다.',
    confirmRemove: '하늘 프로필 "{name}"과(와) 저장된 키를 삭제할까요? 캐시된 목록도 함께 삭제됩니다.',
    signIn: '로그인',
    signInBody: '터미널에서 다음을 실행해 "{profile}"에 로그인한 뒤 여기서 다시 시도하세요:',
    reload: '~/.aws 다시 읽기',
    reloaded: '~/.aws/config와 ~/.aws/credentials를 다시 읽었습니다.',
  },
  mfa: {
    title: 'MFA 코드가 필요합니다',
    body: '"{profile}" 프로필이 전환하는 역할은 다중 인증(MFA)을 요구합니다. MFA 기기에 표시된 6자리 코드를 입력하세요.',
    code: '6자리 코드',
    submit: '계속',
  },
  offline: {
    cached: '{age} 저장됨, 새로 고치는 중…',
    stale: '오프라인: {age} 저장된 내용을 보여 줍니다.',
    empty: '오프라인이며 이 프로필에 캐시된 내용이 아직 없습니다. 네트워크가 돌아오면 불러옵니다.',
  },
}

export default ko
