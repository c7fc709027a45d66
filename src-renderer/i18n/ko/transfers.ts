/** 업로드와 다운로드: 전송 패널과 끌어 놓기. 키는 en/transfers.ts와 정확히 같아야 합니다. */
import type en from '../en/transfers'

const ko: typeof en = {
  transfers: {
    title: '전송',
    total: '전체 진행률',
    totals: '{n}개 진행 중 · {total} 중 {done}',
    eta: '{eta} 남음',
    allDone: '모든 전송이 끝났습니다.',
    clear: '끝난 항목 지우기',
    kinds: { upload: '업로드', download: '다운로드' },
    states: {
      queued: '대기 중',
      running: '전송 중',
      paused: '일시 정지',
      'waiting-for-network': '네트워크 대기 중',
      verifying: '검증 중',
      done: '완료',
      failed: '실패',
      cancelled: '취소됨',
    },
    pause: '일시 정지',
    resume: '다시 시작',
    retry: '다시 시도',
    settings: '전송 설정',
    concurrency: '동시 요청 수',
    partSize: '파트 크기',
    bandwidth: '대역폭 제한 (0 = 없음)',
    defaults: '기본값: 요청 {concurrency}개, 파트 {part} MiB, 제한 없음.',
    showInFolder: '폴더에서 보기',
  },
  upload: {
    files: '파일 업로드…',
    folder: '폴더 업로드…',
    conflictTitle: '이미 있는 파일이 있습니다',
    summary: '파일 {n}개({size})를 {target}에 업로드합니다.',
    conflicts: '그중 {n}개가 이미 있습니다:',
    refused: '업로드할 수 없는 파일 {n}개:',
    twins:
      '파일 {n}개가 다른 파일과 유니코드 형식(NFC/NFD)만 달라 같은 키가 됩니다. 서로 덮어쓰지 않습니다: 건너뛰거나 "이름 (1)"로 둘 다 유지합니다.',
    twinOf: '{name}과(와) 같은 키',
    skip: '있는 것은 건너뛰기',
    rename: '둘 다 유지 (이름 바꾸기)',
    overwrite: '덮어쓰기',
    uploadRest: '나머지 업로드',
  },
  download: {
    button: '다운로드…',
    renamed: '폴더에 같은 이름의 파일 {n}개가 이미 있어 "이름 (1)" 형식으로 옆에 저장했습니다.',
  },
}

export default ko
