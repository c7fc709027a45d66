/** 모든 화면을 감싸는 창: 머리글, 메뉴, 상태 표시줄, 공용 단어와 오류 제목. 키는 en/shell.ts와 정확히 같아야 합니다. */
import type en from '../en/shell'

const ko: typeof en = {
  app: { name: '하늘', tagline: 'S3 · CloudFront · Route 53 · CodePipeline' },
  nav: { storage: '스토리지', costs: '비용', cloudfront: 'CloudFront', dns: 'DNS', pipelines: '파이프라인', site: '사이트', label: '메뉴' },
  settings: {
    theme: '테마',
    themes: { system: '시스템', light: '밝게', dark: '어둡게' },
    language: '언어',
    languages: { system: '시스템', en: 'English', ko: '한국어' },
  },
  status: {
    online: '온라인',
    offline: '오프라인',
    partlyOffline: '일부 오프라인',
    signedOut: '로그아웃됨',
    unknown: '아직 확인 안 함',
    endpoint: {
      online: '연결됨',
      offline: '연결 안 됨',
      unknown: '아직 확인 안 함',
    },
    sandbox: { starting: '샌드박스 시작 중…', running: '샌드박스 실행 중', stopped: '샌드박스 중지됨', failed: '샌드박스 오류' },
    transfersIdle: '전송 없음',
    transfers: '전송 {n}개 · {rate} · {eta} 남음',
    watch: {
      invalidation: '무효화 {subject}: {status}',
      dnsChange: 'DNS 변경 {subject}: {status}',
      pipelineRun: '파이프라인 실행 {subject}: {status}',
    },
    watchMore: '(외 {n}개)',
  },
  common: { cancel: '취소', save: '저장', edit: '편집', remove: '삭제', copy: '복사', copied: '클립보드에 복사했습니다.', close: '닫기' },
  errors: {
    retry: '다시 시도',
    dismiss: '닫기',
    codes: {
      interrupted: '연결이 끊겼습니다',
      offline: '오프라인',
      'access-denied': '접근 거부',
      'not-found': '찾을 수 없음',
      'credentials-expired': '세션 만료',
      'credentials-invalid': '자격 증명 거부됨',
      'credentials-missing': '자격 증명 없음',
      other: '문제가 발생했습니다',
    },
  },
  confirm: { typeToConfirm: '확인하려면 {text}을(를) 입력하세요' },
}

export default ko
