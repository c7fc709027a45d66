/** English messages, one file per feature (same keys in ko/). */
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

export default { ...shell, ...profiles, ...storage, ...transfers, ...costs, ...cloudfront, ...dns, ...pipelines, ...site, ...publish }
