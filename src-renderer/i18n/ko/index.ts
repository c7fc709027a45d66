/** 한국어 메시지: 기능마다 한 파일 (en/과 키가 같습니다). */
import shell from './shell'
import profiles from './profiles'
import storage from './storage'
import transfers from './transfers'
import costs from './costs'
import cloudfront from './cloudfront'
import dns from './dns'
import pipelines from './pipelines'
import site from './site'
import publish from './publish'
import type en from '../en'

const ko: typeof en = {
  ...shell,
  ...profiles,
  ...storage,
  ...transfers,
  ...costs,
  ...cloudfront,
  ...dns,
  ...pipelines,
  ...site,
  ...publish,
}

export default ko
